package com.fruits.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadVetoTest {
  private static final int LEMON = 951;
  private static final int BROCCOLI = 937;

  @Test
  void eachSpeciesLimitIsTheQuantileOfItsTrainingPhotosMasses() {
    double[] hundred = new double[100];
    for (int i = 0; i < hundred.length; i++) {
      hundred[i] = (99 - i) / 100.0; // 0.00 .. 0.99, shuffled order does not matter
    }
    HeadVeto veto = HeadVeto.fit(Map.of("lemon", hundred, "kiwi", new double[] {0.97, 0.99, 0.98}, "fig",
        new double[0]), 0.9);
    assertThat(veto.limits().get("lemon")).isCloseTo(0.89, within(1e-12));
    assertThat(veto.limits().get("kiwi")).as("three photos: the 0.9 quantile is the largest").isEqualTo(0.99);
    assertThat(veto.limits()).as("a species without training photos gets no limit").doesNotContainKey("fig");
    assertThat(HeadVeto.fit(Map.of("lemon", hundred), 1).limits().get("lemon")).isEqualTo(0.99);
  }

  @Test
  void aSpeciesIsDoubtedOnlyAboveItsOwnLimit() {
    HeadVeto veto = new HeadVeto(0.999, Map.of("lemon", 0.3, "kiwi", 0.99));
    assertThat(veto.doubted(0.2)).isEmpty();
    assertThat(veto.doubted(0.5)).containsExactly("lemon");
    assertThat(veto.doubted(0.995)).containsExactly("kiwi", "lemon");
    assertThat(veto.doubted(0.3)).as("at the limit itself the training photos were answered").isEmpty();
  }

  @Test
  void badQuantilesOrLimitsAreRefused() {
    assertThatThrownBy(() -> new HeadVeto(0, Map.of())).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> new HeadVeto(1.5, Map.of())).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> new HeadVeto(0.9, Map.of("lemon", Double.NaN))).hasMessageContaining("lemon");
  }

  @Test
  void thePriorDoubtsWhatItsHeadDoesNotSee() {
    List<String> labels = List.of("kiwi", "lemon", "not-a-fruit");
    ImageNetPrior prior = new ImageNetPrior(labels, ImageNetPrior.bundledMap(), 0);
    assertThat(prior.usesHead()).isFalse();
    assertThat(prior.doubted(logits(BROCCOLI, 0.9))).as("no veto").isEmpty();
    ImageNetPrior vetoed = prior.withVeto(new HeadVeto(0.999, Map.of("lemon", 0.5)));
    assertThat(vetoed.usesHead()).isTrue();
    assertThat(vetoed.labels()).isEqualTo(prior.labels());
    assertThat(vetoed.notAFruitMass(logits(BROCCOLI, 0.9))).isCloseTo(0.9 + 0.1 * 975 / 999, within(1e-3));
    assertThat(vetoed.notAFruitMass(logits(LEMON, 0.9))).isLessThan(0.1);
    assertThat(vetoed.doubted(logits(BROCCOLI, 0.9))).containsExactly("lemon");
    assertThat(vetoed.doubted(logits(LEMON, 0.9))).isEmpty();
    assertThat(vetoed.doubted(null)).as("no logits: nothing to doubt with").isEmpty();

    SpeciesAnswers answers = new SpeciesAnswers(vetoed.labels());
    double[] p = vetoed.apply(new double[] {0.02, 0.95, 0.03}, logits(BROCCOLI, 0.9));
    assertThat(answers.answer(p, 0.5, 0.6, 2).recognized()).isTrue();
    SpeciesAnswers.Answer doubted = answers.answer(p, vetoed.doubted(logits(BROCCOLI, 0.9)), 0.5, 0.6, 2);
    assertThat(doubted.recognized()).isFalse();
    assertThat(doubted.best().species()).as("still the closest guess").isEqualTo("lemon");
    assertThat(doubted.guesses().get(0).species()).isEqualTo("lemon");
  }

  /** Logits whose softmax puts {@code share} of the mass on {@code imagenetClass}, the rest evenly elsewhere. */
  private static float[] logits(int imagenetClass, double share) {
    float[] logits = new float[1000];
    logits[imagenetClass] = (float) Math.log(share / (1 - share) * 999);
    return logits;
  }
}
