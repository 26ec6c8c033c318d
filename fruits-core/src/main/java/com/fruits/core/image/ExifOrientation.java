package com.fruits.core.image;

/**
 * Reads the EXIF orientation tag (0x0112) of a JPEG and applies it to decoded pixels, so a photo taken with the
 * phone held sideways is featurized upright. Values follow the TIFF/EXIF convention: 1 = upright, 2 = mirrored,
 * 3 = rotated 180°, 4 = flipped, 5 = transposed, 6 = rotate 90° clockwise to view, 7 = transversed,
 * 8 = rotate 90° counter-clockwise to view.
 */
public final class ExifOrientation {
  public static final int UPRIGHT = 1;

  private ExifOrientation() {}

  /** The orientation stored in a JPEG's APP1/Exif segment, or {@link #UPRIGHT} when absent or unreadable. */
  public static int read(byte[] jpeg) {
    return JpegSegments.scan(jpeg).orientation();
  }

  /** The orientation tag of the TIFF structure at {@code tiff} (an Exif segment's body), or {@link #UPRIGHT}. */
  static int orientationInTiff(byte[] b, int tiff, int end) {
    boolean little;
    if (b[tiff] == 'I' && b[tiff + 1] == 'I') {
      little = true;
    } else if (b[tiff] == 'M' && b[tiff + 1] == 'M') {
      little = false;
    } else {
      return UPRIGHT;
    }
    long ifd = u32(b, tiff + 4, little);
    // the offset is an unsigned 32-bit count from a stranger's file: compare before adding, in long
    if (ifd < 8 || tiff + ifd + 2 > end) {
      return UPRIGHT;
    }
    int dir = (int) (tiff + ifd);
    int entries = u16(b, dir, little);
    for (int i = 0; i < entries; i++) {
      int entry = dir + 2 + i * 12;
      if (entry + 12 > end) {
        return UPRIGHT;
      }
      if (u16(b, entry, little) == 0x0112) {
        int value = u16(b, entry + 8, little);
        return value >= 1 && value <= 8 ? value : UPRIGHT;
      }
    }
    return UPRIGHT;
  }

  /** The unsigned 16-bit value at {@code at}, little- or big-endian (JPEG segment lengths are big-endian). */
  static int u16(byte[] b, int at, boolean little) {
    int b0 = b[at] & 0xFF;
    int b1 = b[at + 1] & 0xFF;
    return little ? (b1 << 8) | b0 : (b0 << 8) | b1;
  }

  private static long u32(byte[] b, int at, boolean little) {
    long hi = u16(b, little ? at + 2 : at, little);
    long lo = u16(b, little ? at : at + 2, little);
    return (hi << 16) | lo;
  }

  /** Whether the orientation swaps width and height (the 90° cases 5–8). */
  public static boolean swapsAxes(int orientation) {
    return orientation >= 5 && orientation <= 8;
  }

  /** The image as it should be viewed; returns the input itself when upright. */
  public static RgbImage apply(RgbImage image, int orientation) {
    if (orientation <= UPRIGHT || orientation > 8) {
      return image;
    }
    int w = image.width();
    int h = image.height();
    boolean swap = swapsAxes(orientation);
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    byte[] src = image.pixels();
    byte[] dst = new byte[src.length];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> { sx = w - 1 - x; sy = y; }
          case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
          case 4 -> { sx = x; sy = h - 1 - y; }
          case 5 -> { sx = y; sy = x; }
          case 6 -> { sx = y; sy = h - 1 - x; }
          case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
          default -> { sx = w - 1 - y; sy = x; } // 8
        }
        int s = (sy * w + sx) * 3;
        int d = (y * ow + x) * 3;
        dst[d] = src[s];
        dst[d + 1] = src[s + 1];
        dst[d + 2] = src[s + 2];
      }
    }
    return new RgbImage(ow, oh, dst);
  }
}
