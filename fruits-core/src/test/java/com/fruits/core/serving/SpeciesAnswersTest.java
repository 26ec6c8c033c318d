package com.fruits.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SpeciesAnswersTest {
  private final SpeciesAnswers answers = new SpeciesAnswers(
      List.of("apple", "apple/Granny Smith", "apple/Pink Lady", "kiwi", "not-a-fruit"));

  @Test
  void aSpeciesAddsUpItsVarietiesAndNamesTheVarietyOnlyWhenSure() {
    SpeciesAnswers.Answer a = answers.answer(new double[] {0.1, 0.5, 0.1, 0.2, 0.1}, 0.6, 0.6, 3);
    assertThat(a.recognized()).isTrue();
    assertThat(a.best().species()).isEqualTo("apple");
    assertThat(a.best().probability()).isCloseTo(0.7, within(1e-9));
    assertThat(a.best().variety()).isEqualTo("Granny Smith");
    assertThat(a.best().varietyProbability()).isCloseTo(0.5 / 0.7, within(1e-9));
    assertThat(a.varietyNamed()).isTrue();
    assertThat(a.guesses()).extracting(SpeciesAnswers.Guess::species).containsExactly("apple", "kiwi");
    SpeciesAnswers.Answer unsure = answers.answer(new double[] {0.3, 0.2, 0.2, 0.2, 0.1}, 0.6, 0.6, 3);
    assertThat(unsure.recognized()).isTrue();
    assertThat(unsure.varietyNamed()).isFalse();
  }

  @Test
  void noFruitOrTooLittleConfidenceIsNotRecognised() {
    SpeciesAnswers.Answer none = answers.answer(new double[] {0.05, 0.05, 0.05, 0.15, 0.7}, 0.5, 0.6, 3);
    assertThat(none.recognized()).isFalse();
    assertThat(none.best().isFruit()).isFalse();
    assertThat(none.guesses()).extracting(SpeciesAnswers.Guess::species).containsExactly("apple", "kiwi");
    SpeciesAnswers.Answer low = answers.answer(new double[] {0.1, 0.1, 0.1, 0.45, 0.25}, 0.5, 0.6, 1);
    assertThat(low.recognized()).isFalse();
    assertThat(low.best().species()).isEqualTo("kiwi");
    assertThat(low.guesses()).hasSize(1);
    assertThat(answers.species()).containsExactly("apple", "kiwi", "not-a-fruit");
  }
}
