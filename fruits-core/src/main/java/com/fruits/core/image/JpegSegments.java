package com.fruits.core.image;

/**
 * What the decoder reads from a JPEG's segments before its first scan: the EXIF orientation, and whether the file is
 * plain, that is, its segments could be walked up to the scan and carry neither an ICC profile (APP2) nor an Adobe
 * marker (APP14, which CMYK and YCCK files carry). A plain JPEG needs no colour management, so the JDK's own reader
 * decodes it exactly like TwelveMonkeys' reader, and faster.
 */
record JpegSegments(int orientation, boolean plain) {
  private static final JpegSegments UNREADABLE = new JpegSegments(ExifOrientation.UPRIGHT, false);

  static JpegSegments scan(byte[] jpeg) {
    if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
      return UNREADABLE;
    }
    int orientation = 0;
    boolean colorManaged = false;
    int pos = 2;
    while (pos + 4 <= jpeg.length) {
      if ((jpeg[pos] & 0xFF) != 0xFF) {
        break;
      }
      int marker = jpeg[pos + 1] & 0xFF;
      if (marker == 0xDA || marker == 0xD9) { // start of scan / end of image: no more metadata
        return found(orientation, !colorManaged);
      }
      int length = ExifOrientation.u16(jpeg, pos + 2, false);
      if (length < 2 || pos + 2 + length > jpeg.length) {
        break;
      }
      int body = pos + 4;
      int bodyLength = length - 2;
      if (marker == 0xE1 && orientation == 0 && length >= 16 && startsWith(jpeg, body, bodyLength, "Exif\0\0")) {
        orientation = ExifOrientation.orientationInTiff(jpeg, body + 6, pos + 2 + length);
      } else if (marker == 0xE2 && startsWith(jpeg, body, bodyLength, "ICC_PROFILE\0")
          || marker == 0xEE && startsWith(jpeg, body, bodyLength, "Adobe")) {
        colorManaged = true;
      }
      pos += 2 + length;
    }
    return found(orientation, false);
  }

  /** {@code orientation} 0: no Exif segment was found. */
  private static JpegSegments found(int orientation, boolean plain) {
    return new JpegSegments(orientation == 0 ? ExifOrientation.UPRIGHT : orientation, plain);
  }

  private static boolean startsWith(byte[] bytes, int at, int length, String ascii) {
    if (length < ascii.length()) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (bytes[at + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
