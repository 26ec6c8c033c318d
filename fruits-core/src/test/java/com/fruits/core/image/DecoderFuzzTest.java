package com.fruits.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;

/**
 * Fuzz targets for every parser of the decoder that reads a stranger's bytes: JPEG segments and EXIF, progressive
 * scans, PNG chunks. Without {@code JAZZER_FUZZ} they run their seeds and past findings (in
 * {@code src/test/resources/com/fruits/core/image/DecoderFuzzTestInputs/}) as regression tests; {@code tools/fuzz}
 * runs them as a fuzzer, seeded with the shared photos.
 */
class DecoderFuzzTest {
  /** Small limits keep each input cheap; the limits themselves are what is under test for costly inputs. */
  private static final ImageDecoder DECODER = new ImageDecoder(new DecodeLimits(4_000_000L, 64, 40_000_000L,
      Duration.ofMillis(500)));

  /** Any bytes: an image, or an {@link ImageDecodeException} with a reason. Anything else is a bug. */
  @FuzzTest(maxDuration = "30s")
  void decodeEitherSucceedsOrSaysWhy(byte[] bytes) {
    try {
      RgbImage image = DECODER.decode(bytes, 112, 112);
      assertThat(image.pixels()).hasSize(image.width() * image.height() * 3);
    } catch (ImageDecodeException e) {
      assertThat(e.reason()).isNotNull();
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  /** The segment walk runs before any limit: it must never throw, whatever the bytes. */
  @FuzzTest(maxDuration = "30s")
  void segmentsAreWalkedWithoutThrowing(byte[] bytes) {
    JpegSegments segments = JpegSegments.scan(bytes);
    assertThat(segments.orientation()).isBetween(1, 8);
    assertThat(segments.scans()).isNotNegative();
  }
}
