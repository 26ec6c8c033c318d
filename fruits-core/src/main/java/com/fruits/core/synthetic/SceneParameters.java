package com.fruits.core.synthetic;

import java.util.List;

/**
 * Everything that made one synthetic scene, recorded as its provenance: composing again with the same inputs and
 * {@code seed} gives the same image.
 *
 * @param fruits where each fruit went, back to front; coordinates are fractions of the scene's side
 * @param brightness multiplier of the pixel values (1 = unchanged)
 * @param contrast multiplier of the distance to mid-grey
 * @param saturation multiplier of the distance to each pixel's grey
 * @param warmth red gain minus one (blue gets the opposite)
 * @param blurSigma Gaussian blur in pixels (0 = none)
 * @param noiseSigma Gaussian noise in 8-bit levels (0 = none)
 * @param jpegQuality the quality the scene was encoded with
 */
public record SceneParameters(long seed, String recipe, String background, double backgroundZoom,
    List<Placement> fruits, double brightness, double contrast, double saturation, double warmth, double blurSigma,
    double noiseSigma, int jpegQuality) {

  /** One pasted fruit: its source photo, centre, width as a fraction of the scene, rotation and mirroring. */
  public record Placement(String photo, double x, double y, double width, double rotationDegrees, boolean mirrored) {}

  public SceneParameters {
    fruits = List.copyOf(fruits);
  }
}
