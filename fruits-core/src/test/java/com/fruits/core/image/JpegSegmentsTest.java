package com.fruits.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.TestImages;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JpegSegmentsTest {
  private static final byte[] PHOTO = TestImages.read(TestImages.photo("Training", "Kiwi", "0_100.jpg"));

  /** {@code jpeg} with an APP segment (marker, then body) inserted right after its SOI marker. */
  private static byte[] withSegment(byte[] jpeg, int marker, byte[] body) {
    byte[] out = new byte[jpeg.length + 4 + body.length];
    out[0] = jpeg[0];
    out[1] = jpeg[1];
    out[2] = (byte) 0xFF;
    out[3] = (byte) marker;
    out[4] = (byte) ((body.length + 2) >> 8);
    out[5] = (byte) (body.length + 2);
    System.arraycopy(body, 0, out, 6, body.length);
    System.arraycopy(jpeg, 2, out, 6 + body.length, jpeg.length - 2);
    return out;
  }

  private static byte[] ascii(String text, int padTo) {
    byte[] bytes = new byte[Math.max(padTo, text.length())];
    System.arraycopy(text.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, 0, text.length());
    return bytes;
  }

  @Test
  void aSharedPhotoIsPlainAndUpright() {
    assertThat(JpegSegments.scan(PHOTO)).isEqualTo(new JpegSegments(ExifOrientation.UPRIGHT, true, 1));
  }

  @Test
  void anIccProfileOrAnAdobeMarkerNeedsColourManagement() {
    assertThat(JpegSegments.scan(withSegment(PHOTO, 0xE2, ascii("ICC_PROFILE\0", 40))).plain()).isFalse();
    assertThat(JpegSegments.scan(withSegment(PHOTO, 0xEE, ascii("Adobe", 12))).plain()).isFalse();
    // another APP2 payload (e.g. FlashPix) is no colour profile
    assertThat(JpegSegments.scan(withSegment(PHOTO, 0xE2, ascii("FPXR\0", 20))).plain()).isTrue();
  }

  @Test
  void theExifOrientationIsReadAndKeepsThePhotoPlain() {
    JpegSegments rotated = JpegSegments.scan(TestImages.withExifOrientation(PHOTO, 8));
    assertThat(rotated.orientation()).isEqualTo(8);
    assertThat(rotated.plain()).isTrue();
  }

  @Test
  void segmentsThatCannotBeWalkedToTheScanAreNotPlain() {
    byte[] broken = PHOTO.clone();
    broken[2] = 0x12; // no marker where the first segment should start
    assertThat(JpegSegments.scan(broken)).isEqualTo(new JpegSegments(ExifOrientation.UPRIGHT, false, 0));
    byte[] cut = java.util.Arrays.copyOf(PHOTO, 30); // ends inside the segments
    assertThat(JpegSegments.scan(cut).plain()).isFalse();
    assertThat(JpegSegments.scan("not a jpeg".getBytes(StandardCharsets.UTF_8)).plain()).isFalse();
  }

  @Test
  void countsTheScansOfAProgressiveFileAndOfAScanBomb() {
    assertThat(JpegSegments.scan(TestImages.scanBomb(64, 48, 0)).scans()).isEqualTo(10);
    assertThat(JpegSegments.scan(TestImages.scanBomb(64, 48, 300)).scans()).isEqualTo(310);
    assertThat(JpegSegments.scan(TestImages.scanBomb(64, 48, 300)).plain()).isTrue();
  }

  @Test
  void anExifOffsetPastTheEndOfTheFileIsIgnoredNotAnOverflow() {
    // 0xFFFFFFF2 added to the segment's position in int arithmetic wraps to a negative index
    for (int offset : new int[] {0xFFFFFFF2, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 4, 7, 10_000}) {
      JpegSegments hostile = JpegSegments.scan(TestImages.withExif(PHOTO, 6, offset));
      assertThat(hostile.orientation()).as("offset %x", offset).isEqualTo(ExifOrientation.UPRIGHT);
      assertThat(hostile.scans()).isEqualTo(1);
    }
  }
}
