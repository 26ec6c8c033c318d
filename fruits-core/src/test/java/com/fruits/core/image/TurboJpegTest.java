package com.fruits.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fruits.core.TestImages;
import org.junit.jupiter.api.Test;

/**
 * libjpeg-turbo's DCT-scaled decoding, where the binding is installed ({@code FRUITS_TURBOJPEG=required} in CI makes
 * its absence a failure instead of a skipped test).
 */
class TurboJpegTest {
  private static final ImageDecoder DECODER = new ImageDecoder();

  @Test
  void loadsWhereRequired() {
    assumeTrue("required".equals(System.getenv("FRUITS_TURBOJPEG")), "FRUITS_TURBOJPEG=required not set");
    assertThat(TurboJpeg.get()).isPresent();
    assertThat(DECODER.usesTurbo()).isTrue();
    assertThat(TurboJpeg.describe()).startsWith("libjpeg-turbo");
  }

  @Test
  void choosesTheSmallestScaleThatKeepsTheSizeAsked() {
    TurboJpeg turbo = turbo();
    assertThat(turbo.scaleFor(4032, 3024, 336, 336)).containsExactly(1, 8);
    assertThat(turbo.scaleFor(4032, 3024, 500, 500)).containsExactly(1, 4);
    // nothing between 1/2 and full size: those scales save little and filter worse than the resampler
    assertThat(turbo.scaleFor(348, 348, 336, 336)).containsExactly(1, 1);
    assertThat(turbo.scaleFor(4032, 3024, 0, 0)).containsExactly(1, 1);
    assertThat(TurboJpeg.scaled(3024, new int[] {1, 8})).isEqualTo(378);
    assertThat(TurboJpeg.scaled(100, new int[] {1, 8})).isEqualTo(13);
  }

  @Test
  void decodesSmallPhotosExactlyAsImageIoDoes() throws Exception {
    turbo();
    byte[] jpeg = TestImages.read(TestImages.photo("Test", "Kiwi", "r_3_100.jpg"));
    RgbImage imageIo = DECODER.withoutTurbo().decode(jpeg, 224, 224);
    assertThat(DECODER.decode(jpeg, 224, 224)).usingRecursiveComparison().isEqualTo(imageIo);
  }

  private static TurboJpeg turbo() {
    assumeTrue(TurboJpeg.get().isPresent(), TurboJpeg.describe());
    return TurboJpeg.get().get();
  }
}
