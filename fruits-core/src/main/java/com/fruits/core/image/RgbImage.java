package com.fruits.core.image;

/**
 * An 8-bit sRGB image, pixels interleaved R,G,B row by row ({@code pixels.length == width * height * 3}).
 * Alpha has already been composited onto white and EXIF orientation applied.
 */
public record RgbImage(int width, int height, byte[] pixels) {
  public RgbImage {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
    }
    if (pixels.length != width * height * 3) {
      throw new IllegalArgumentException("expected " + width * height * 3 + " bytes, got " + pixels.length);
    }
  }

  /** Channel {@code c} (0 = R, 1 = G, 2 = B) of pixel (x, y), 0..255. */
  public int sample(int x, int y, int c) {
    return pixels[(y * width + x) * 3 + c] & 0xFF;
  }
}
