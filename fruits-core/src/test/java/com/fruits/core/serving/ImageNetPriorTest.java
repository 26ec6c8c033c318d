package com.fruits.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fruits.core.FruitsException;
import com.fruits.core.TestImages;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageNetPriorTest {
  private static final int GRANNY_SMITH = 948;
  private static final int ORANGE = 950;
  private static final int BANANA = 954;
  private static final int BROCCOLI = 937;
  private static final int GROCERY_STORE = 582;
  private static final int TENCH = 0;
  private static final List<String> LABELS = List.of("apple", "apple/Granny Smith", "not-a-fruit", "orange");
  private static final int NOT_A_FRUIT = 2;

  /** Logits whose softmax puts {@code share} of the mass on {@code imagenetClass}, the rest evenly elsewhere. */
  private static float[] headSaying(int imagenetClass, double share) {
    float[] logits = new float[1000];
    logits[imagenetClass] = (float) Math.log(share / (1 - share) * 999);
    return logits;
  }

  @Test
  void theShippedMapIsTheRepositoryFileAndNamesFruitsVegetablesAndNoOpinions() throws Exception {
    String[] map = ImageNetPrior.bundledMap();
    String csv = Files.readString(TestImages.repoDir().resolve("catalog/imagenet-species.csv"));
    assertThat(ImageNetPrior.parseMap(csv, "catalog")).containsExactly(map);
    assertThat(map[BANANA]).isEqualTo("banana");
    assertThat(map[GRANNY_SMITH]).isEqualTo("apple");
    assertThat(map[BROCCOLI]).isEqualTo("not-a-fruit");
    assertThat(map[GROCERY_STORE]).as("a market may hold fruit: no opinion").isNull();
    assertThat(map[0]).as("every class not listed").isEqualTo("not-a-fruit");
  }

  @Test
  void weightZeroIsTheClassifierAlone() {
    ImageNetPrior prior = new ImageNetPrior(LABELS, ImageNetPrior.bundledMap(), 0);
    double[] classifier = {0.1, 0.2, 0.3, 0.4};
    double[] p = prior.apply(classifier, headSaying(BANANA, 0.99));
    assertThat(prior.labels()).startsWith(LABELS.toArray(String[]::new)).contains("banana");
    assertThat(Arrays.copyOf(p, 4)).containsExactly(classifier);
    assertThat(Arrays.copyOfRange(p, 4, p.length)).containsOnly(0.0);
  }

  @Test
  void aSpeciesTheClassifierNeverSawIsNamedFromTheHeadAlone() {
    ImageNetPrior prior = new ImageNetPrior(LABELS, ImageNetPrior.bundledMap(), 1);
    assertThat(prior.zeroShot()).contains("banana", "pineapple", "lemon").doesNotContain("apple", "orange");
    // the classifier, trained without bananas, is unsure between an orange and none of its fruits
    double[] p = prior.apply(new double[] {0.05, 0.05, 0.45, 0.45}, headSaying(BANANA, 0.95));
    int best = argmax(p);
    assertThat(prior.labels().get(best)).isEqualTo("banana");
    assertThat(Arrays.stream(p).sum()).isCloseTo(1, within(1e-9));
  }

  @Test
  void theHeadTipsAnUnsureClassifierAndStrengthensRefusals() {
    ImageNetPrior prior = new ImageNetPrior(LABELS, ImageNetPrior.bundledMap(), 1);
    double[] unsure = {0.25, 0.2, 0.1, 0.45};
    assertThat(prior.labels().get(argmax(prior.apply(unsure, headSaying(GRANNY_SMITH, 0.9))))).startsWith("apple");
    assertThat(prior.labels().get(argmax(prior.apply(unsure, headSaying(ORANGE, 0.9))))).isEqualTo("orange");
    double[] broccoli = prior.apply(unsure, headSaying(BROCCOLI, 0.9));
    assertThat(broccoli[NOT_A_FRUIT]).as("not-a-fruit, from 0.1").isGreaterThan(0.5);
  }

  @Test
  void aMarketIsNoEvidenceOfNoFruit() {
    List<String> labels = List.of("apple", "apricot", "not-a-fruit", "orange");
    ImageNetPrior prior = new ImageNetPrior(labels, ImageNetPrior.bundledMap(), 1);
    double[] unsure = {0.25, 0.25, 0.25, 0.25};
    double[] market = prior.apply(unsure, headSaying(GROCERY_STORE, 0.99));
    double[] fish = prior.apply(unsure, headSaying(TENCH, 0.99));
    // the apricot, a fruit the map does not name, keeps nearly the chance of not-a-fruit beside a market
    assertThat(market[NOT_A_FRUIT] / market[1]).isBetween(1.0, 1.2);
    assertThat(fish[NOT_A_FRUIT] / fish[1]).isGreaterThan(5);
  }

  @Test
  void aZeroShotSpeciesTheHeadDoesNotSeeIsNeverAmongTheClosestGuesses() {
    List<String> labels = List.of("apple", "apricot", "not-a-fruit", "orange");
    ImageNetPrior prior = new ImageNetPrior(labels, ImageNetPrior.bundledMap(), 0.3);
    double[] p = prior.apply(new double[] {0.01, 0.01, 0.97, 0.01}, headSaying(TENCH, 0.99));
    double weakestTrainedFruit = Math.min(p[0], Math.min(p[1], p[3]));
    for (int l = labels.size(); l < p.length; l++) {
      assertThat(p[l]).as(prior.labels().get(l)).isLessThan(weakestTrainedFruit);
    }
  }

  @Test
  void withoutTheHeadsLogitsTheClassifierAnswersAlone() {
    ImageNetPrior prior = new ImageNetPrior(LABELS, ImageNetPrior.bundledMap(), 1);
    assertThat(Arrays.copyOf(prior.apply(new double[] {0.1, 0.2, 0.3, 0.4}, null), 4))
        .containsExactly(0.1, 0.2, 0.3, 0.4);
  }

  @Test
  void aBrokenMapIsOneLineNamingTheFileAndLine() {
    String header = ImageNetPrior.HEADER + "\n";
    assertThatThrownBy(() -> ImageNetPrior.parseMap("index,class\n", "m.csv"))
        .isInstanceOf(FruitsException.class).hasMessageStartingWith("m.csv: the first line must be");
    assertThatThrownBy(() -> ImageNetPrior.parseMap(header + "954,banana,banana\n954,banana,banana\n", "m.csv"))
        .isInstanceOf(FruitsException.class).hasMessage("m.csv line 3: index 954 is listed twice");
    assertThatThrownBy(() -> ImageNetPrior.parseMap(header + "1000,x,banana\n", "m.csv"))
        .isInstanceOf(FruitsException.class).hasMessageContaining("outside 0..999");
    assertThatThrownBy(() -> ImageNetPrior.parseMap(header + "banana,banana\n", "m.csv"))
        .isInstanceOf(FruitsException.class).hasMessageContaining("m.csv line 2: expected 3 comma-separated fields");
    assertThatThrownBy(() -> new ImageNetPrior(LABELS, new String[10], 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ImageNetPrior(LABELS, ImageNetPrior.bundledMap(), -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static int argmax(double[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }
}
