package com.fruits.core.model;

/**
 * How an image of any size becomes the model's input size.
 *
 * <ul>
 *   <li>{@code STRETCH}: the whole image is resized to width × height (aspect ratio not kept).</li>
 *   <li>{@code CENTER_CROP}: the largest centred rectangle with the input's aspect ratio, shrunk by
 *       {@code cropFraction}, is resized to width × height. {@code cropFraction = 1} keeps as much of the photo as
 *       possible without distortion; 0.875 is torchvision's "resize 256, crop 224".</li>
 * </ul>
 * Resampling is always bilinear with an antialiasing support when shrinking, so it does not depend on the JDK.
 */
public record ResizePolicy(Mode mode, double cropFraction) {
  public enum Mode { STRETCH, CENTER_CROP }

  public static final ResizePolicy STRETCH = new ResizePolicy(Mode.STRETCH, 1.0);

  public ResizePolicy {
    if (mode == null) {
      throw new IllegalArgumentException("resize mode is required");
    }
    if (!(cropFraction > 0 && cropFraction <= 1)) {
      throw new IllegalArgumentException("resize.cropFraction must be in (0, 1], got " + cropFraction);
    }
  }
}
