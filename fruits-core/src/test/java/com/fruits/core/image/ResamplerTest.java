package com.fruits.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ResamplerTest {
  @Test
  void enlargingReadsTwoSourcePixelsPerOutputWithoutZeroWeights() {
    // 100 -> 224, the shared photos into MobileNetV2: bilinear needs 2 taps; the window has room for 3
    Resampler.Taps taps = Resampler.taps(100, 0, 100, 224);
    for (int i = 0; i < 224; i++) {
      int n = taps.count()[i];
      assertThat(n).isBetween(1, 2);
      float sum = 0;
      for (int k = 0; k < n; k++) {
        float w = taps.weights()[i * taps.maxTaps() + k];
        assertThat(w).isPositive();
        sum += w;
      }
      assertThat(sum).isCloseTo(1f, within(1e-6f));
      assertThat(taps.start()[i]).isBetween(0, 100 - n);
    }
    assertThat(Resampler.uniform(taps, 100).maxTaps()).isEqualTo(2);
  }

  @Test
  void trimmedTapsInterpolateLikeTheFormula() {
    // output i's centre is at source (i + 0.5) * 100 / 224 - 0.5 in pixel-index coordinates
    Resampler.Taps taps = Resampler.taps(100, 0, 100, 224);
    for (int i = 1; i < 223; i++) {
      double centre = (i + 0.5) * 100 / 224 - 0.5;
      double expected = centre; // interpolating the ramp f(x) = x gives the centre back
      double value = 0;
      for (int k = 0; k < taps.count()[i]; k++) {
        value += taps.weights()[i * taps.maxTaps() + k] * (taps.start()[i] + k);
      }
      assertThat(value).isCloseTo(expected, within(1e-4));
    }
  }

  @Test
  void shrinkingKeepsItsWiderSupport() {
    Resampler.Taps taps = Resampler.taps(400, 0, 400, 100);
    int widest = 0;
    for (int n : taps.count()) {
      widest = Math.max(widest, n);
    }
    assertThat(widest).isGreaterThanOrEqualTo(7); // a 4x shrink averages over 8 source pixels
    assertThat(Resampler.uniform(taps, 400).maxTaps()).isEqualTo(widest);
  }
}
