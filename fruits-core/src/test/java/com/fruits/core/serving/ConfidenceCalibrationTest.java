package com.fruits.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fruits.core.serving.ConfidenceCalibration.Outcome;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfidenceCalibrationTest {
  private static Outcome right(double p) {
    return new Outcome(p, true);
  }

  private static Outcome wrong(double p) {
    return new Outcome(p, false);
  }

  @Test
  void picksTheLowestThresholdWhoseAnswersAreRightOftenEnough() {
    // sorted: .99 R, .95 R, .90 W, .85 R, .80 R, .70 W, .60 R — precision at each cut: 1, 1, 2/3, 3/4, 4/5, 4/6, 5/7
    Outcome[] outcomes = {right(0.80), wrong(0.90), right(0.99), right(0.60), right(0.95), wrong(0.70), right(0.85)};
    ConfidenceCalibration c = ConfidenceCalibration.fit(outcomes, 0.75, 0.5, "Test", "v1");
    assertThat(c.threshold()).isEqualTo(0.80);
    assertThat(c.coverage()).isCloseTo(5 / 7.0, within(1e-12));
    assertThat(c.answeredAccuracy()).isCloseTo(0.8, within(1e-12));
    assertThat(c.accuracy()).isCloseTo(5 / 7.0, within(1e-12));
    assertThat(c.confident(0.80)).isTrue();
    assertThat(c.confident(0.79)).isFalse();

    ConfidenceCalibration strict = ConfidenceCalibration.fit(outcomes, 1.0, 0.5, "Test", "v1");
    assertThat(strict.threshold()).isEqualTo(0.95);
    assertThat(strict.coverage()).isCloseTo(2 / 7.0, within(1e-12));
  }

  @Test
  void neverGoesBelowTheFloorAndAnswersNothingWhenTheTargetIsOutOfReach() {
    Outcome[] allRight = {right(0.3), right(0.4), right(0.9)};
    assertThat(ConfidenceCalibration.fit(allRight, 0.99, 0.5, "Test", "v1").threshold()).isEqualTo(0.9);

    Outcome[] allWrong = {wrong(0.9), wrong(0.8)};
    ConfidenceCalibration none = ConfidenceCalibration.fit(allWrong, 0.9, 0.5, "Test", "v1");
    assertThat(none.threshold()).isGreaterThan(0.9);
    assertThat(none.coverage()).isZero();
  }

  @Test
  void tiesAreAnsweredTogether() {
    Outcome[] tied = {right(0.9), wrong(0.9), right(0.95)};
    ConfidenceCalibration c = ConfidenceCalibration.fit(tied, 0.9, 0.5, "Test", "v1");
    assertThat(c.threshold()).isEqualTo(0.95); // 0.9 would answer both tied photos: 2/3 right
  }

  @Test
  void isReadBackOnlyForTheBundleVersionItWasFittedFor(@TempDir Path dir) {
    ConfidenceCalibration c = ConfidenceCalibration.fit(new Outcome[] {right(0.9)}, 0.9, 0.5, "Test", "v1");
    c.write(dir);
    assertThat(ConfidenceCalibration.read(dir, "v1")).contains(c);
    assertThat(ConfidenceCalibration.read(dir, "v2")).isEmpty();
    assertThat(ConfidenceCalibration.read(dir.resolve("elsewhere"), "v1")).isEmpty();
  }
}
