package com.fruits.core.image;

/**
 * What the decoder reads from a JPEG's segments before decoding it: the EXIF orientation; whether the file is plain,
 * that is, its segments could be walked up to the first scan and carry neither an ICC profile (APP2) nor an Adobe
 * marker (APP14, which CMYK and YCCK files carry); and how many scans it holds. A plain JPEG needs no colour
 * management, so the JDK's own reader decodes it exactly like TwelveMonkeys' reader, and faster. The scan count bounds
 * the cost of a progressive decode, which renders the whole image once per scan ({@link DecodeLimits}).
 *
 * @param scans for a progressive JPEG, the start-of-scan markers found by walking the file: its segments and, between
 *     them, the entropy-coded data; for a sequential one, 1 (its decode costs the same however many scans it has);
 *     0 when the walk stopped before the first scan
 */
record JpegSegments(int orientation, boolean plain, int scans) {
  private static final JpegSegments UNREADABLE = new JpegSegments(ExifOrientation.UPRIGHT, false, 0);
  private static final int START_OF_SCAN = 0xDA;
  private static final int END_OF_IMAGE = 0xD9;

  static JpegSegments scan(byte[] jpeg) {
    if (jpeg.length < 4 || (jpeg[0] & 0xFF) != 0xFF || (jpeg[1] & 0xFF) != 0xD8) {
      return UNREADABLE;
    }
    int orientation = 0;
    boolean colorManaged = false;
    int scans = 0;
    boolean progressive = false;
    int pos = 2;
    while (pos + 4 <= jpeg.length) {
      if ((jpeg[pos] & 0xFF) != 0xFF) {
        break;
      }
      int marker = jpeg[pos + 1] & 0xFF;
      if (marker == 0xFF) { // fill byte before a marker
        pos++;
        continue;
      }
      if (marker == END_OF_IMAGE) {
        break;
      }
      int length = ExifOrientation.u16(jpeg, pos + 2, false);
      if (length < 2 || pos + 2 + length > jpeg.length) {
        break;
      }
      int body = pos + 4;
      int bodyLength = length - 2;
      if (marker == 0xE1 && scans == 0 && orientation == 0 && length >= 16
          && startsWith(jpeg, body, bodyLength, "Exif\0\0")) {
        orientation = ExifOrientation.orientationInTiff(jpeg, body + 6, pos + 2 + length);
      } else if (scans == 0 && (marker == 0xE2 && startsWith(jpeg, body, bodyLength, "ICC_PROFILE\0")
          || marker == 0xEE && startsWith(jpeg, body, bodyLength, "Adobe"))) {
        colorManaged = true;
      }
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
        progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
      }
      pos += 2 + length;
      if (marker == START_OF_SCAN) {
        scans++;
        if (!progressive) {
          // a sequential decoder renders each pixel once however many scans follow: no need to read on
          break;
        }
        pos = afterEntropyCodedData(jpeg, pos);
      }
    }
    return new JpegSegments(orientation == 0 ? ExifOrientation.UPRIGHT : orientation, scans > 0 && !colorManaged,
        scans);
  }

  /** The position of the first marker after a scan's data: 0xFF followed by neither a stuffed 0 nor a restart. */
  private static int afterEntropyCodedData(byte[] jpeg, int pos) {
    for (int i = pos; i + 1 < jpeg.length; i++) {
      if (jpeg[i] == (byte) 0xFF) {
        int next = jpeg[i + 1] & 0xFF;
        if (next != 0x00 && next != 0xFF && (next < 0xD0 || next > 0xD7)) {
          return i;
        }
      }
    }
    return jpeg.length;
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
