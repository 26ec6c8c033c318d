package com.fruits.core.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fruits.core.FruitsException;
import com.fruits.core.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServingBundleTest {
  private static final int D = 12;
  private static final int K = 4;
  private static final int B = 6;
  private static final List<String> LABELS = List.of("apple", "kiwi", "lemon");

  private static BundleContents contents() throws Exception {
    return contents(true);
  }

  private static BundleContents contents(boolean withColor) throws Exception {
    Random random = new Random(5);
    double[] mean = random.doubles(D).toArray();
    double[] std = random.doubles(D, 0.5, 2).toArray();
    std[3] = 0; // a constant feature: the scaler maps it to 0
    double[][] pca = new double[D][K];
    for (double[] row : pca) {
      for (int j = 0; j < K; j++) {
        row[j] = random.nextGaussian();
      }
    }
    BundleContents.ColorTerm color = BundleContents.ColorTerm.NONE;
    if (withColor) {
      double[] colorStd = random.doubles(B, 0.1, 1).toArray();
      colorStd[2] = 0; // a bin no Training photo uses
      color = new BundleContents.ColorTerm("test-bins", random.doubles(B).toArray(), colorStd, 3.0);
    }
    double[][] coefficients = new double[LABELS.size()][K + color.bins()];
    for (double[] row : coefficients) {
      for (int j = 0; j < row.length; j++) {
        row[j] = random.nextGaussian();
      }
    }
    double[] intercepts = random.doubles(LABELS.size()).toArray();
    String spec = Files.readString(TestImages.modelSpec("mobilenetv2"));
    return new BundleContents(LABELS, spec, "abc", mean, std, pca, color, coefficients, intercepts,
        Map.of("testAccuracy", 0.9));
  }

  /** scale → project, weighted standardized colour → logits → softmax, step by step, as the trainer defines it. */
  private static double[] reference(BundleContents c, float[] x, float[] h) {
    BundleContents.ColorTerm color = c.color();
    double[] z = new double[D];
    for (int i = 0; i < D; i++) {
      z[i] = c.std()[i] == 0 ? 0 : (x[i] - c.mean()[i]) / c.std()[i];
    }
    double[] p = new double[K];
    for (int j = 0; j < K; j++) {
      for (int i = 0; i < D; i++) {
        p[j] += z[i] * c.pca()[i][j];
      }
    }
    double[] logits = new double[LABELS.size()];
    double sum = 0;
    for (int c2 = 0; c2 < logits.length; c2++) {
      logits[c2] = c.intercepts()[c2];
      for (int j = 0; j < K; j++) {
        logits[c2] += c.coefficients()[c2][j] * p[j];
      }
      for (int j = 0; j < color.bins(); j++) {
        double z2 = color.std()[j] == 0 ? 0 : (h[j] - color.mean()[j]) / color.std()[j];
        logits[c2] += c.coefficients()[c2][K + j] * color.weight() * z2;
      }
      logits[c2] = Math.exp(logits[c2]);
      sum += logits[c2];
    }
    for (int c2 = 0; c2 < logits.length; c2++) {
      logits[c2] /= sum;
    }
    return logits;
  }

  @Test
  void writtenBundleLoadsAndPredictsLikeTheStepByStepModel(@TempDir Path dir) throws Exception {
    BundleContents contents = contents();
    ServingBundle.write(dir, contents);
    ServingBundle bundle = ServingBundle.load(dir);
    assertThat(bundle.labels()).isEqualTo(LABELS);
    assertThat(bundle.featureDimension()).isEqualTo(D);
    assertThat(bundle.components()).isEqualTo(K);
    assertThat(bundle.modelSpec().name()).isEqualTo("mobilenetv2-imagenet");
    assertThat(bundle.metadata().path("testAccuracy").asDouble()).isEqualTo(0.9);
    assertThat(bundle.usesColor()).isTrue();
    assertThat(bundle.color().descriptor()).isEqualTo("test-bins");
    assertThat(bundle.color().weight()).isEqualTo(3.0);
    assertPredictsLike(contents, bundle);
    assertThatThrownBy(() -> bundle.probabilities(new float[D], null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected a 6-bin colour histogram, got none");
  }

  private static void assertPredictsLike(BundleContents contents, ServingBundle bundle) {
    Random random = new Random(9);
    for (int n = 0; n < 20; n++) {
      float[] x = new float[D];
      for (int i = 0; i < D; i++) {
        x[i] = (float) random.nextGaussian();
      }
      float[] h = new float[B];
      for (int j = 0; j < B; j++) {
        h[j] = random.nextFloat();
      }
      double[] expected = reference(contents, x, h);
      double[] actual = bundle.probabilities(x, h);
      for (int c = 0; c < expected.length; c++) {
        assertThat(actual[c]).isCloseTo(expected[c], within(1e-12));
      }
      List<Prediction> top = bundle.top(x, h, 2);
      assertThat(top).hasSize(2);
      assertThat(top.get(0).probability()).isGreaterThanOrEqualTo(top.get(1).probability());
    }
  }

  @Test
  void aBundleWithAnImageNetPriorWeighsTheHeadInAndAddsItsZeroShotSpecies(@TempDir Path dir) throws Exception {
    BundleContents plain = contents(false);
    ImageNetPrior prior = new ImageNetPrior(LABELS, ImageNetPrior.bundledMap(), 0.5);
    BundleContents contents = new BundleContents(plain.labels(), plain.modelSpecJson(), plain.specHash(), plain.mean(),
        plain.std(), plain.pca(), plain.color(), plain.coefficients(), plain.intercepts(), plain.metadata(), prior);
    ServingBundle.write(dir, contents);
    ServingBundle bundle = ServingBundle.load(dir);
    assertThat(bundle.labels()).isEqualTo(prior.labels()).startsWith("apple", "kiwi", "lemon").contains("banana");
    assertThat(bundle.usesHead()).isTrue();
    assertThat(bundle.prior().map()).containsExactly(ImageNetPrior.bundledMap());
    float[] x = new float[D];
    Arrays.fill(x, 0.3f);
    float[] head = new float[1000];
    head[954] = 12; // banana
    double[] classifier = bundle.probabilities(x, null);
    assertThat(bundle.probabilities(x, null, head)).containsExactly(prior.apply(classifier, head));
    assertThat(bundle.top(bundle.probabilities(x, null, head), 1).get(0).label()).isEqualTo("banana");
    assertThat(Files.readString(dir.resolve(ServingBundle.JSON_FILE)))
        .contains("\"imagenetPrior\"", "\"954\" : \"banana\"", "\"others\" : \"not-a-fruit\"");
  }

  @Test
  void aBundleKeepsItsHeadVetoAndDoubtsWhatTheHeadDoesNotSee(@TempDir Path dir) throws Exception {
    BundleContents plain = contents(false);
    HeadVeto veto = new HeadVeto(0.999, Map.of("lemon", 0.25, "kiwi", 1.0));
    ImageNetPrior prior = new ImageNetPrior(LABELS, ImageNetPrior.bundledMap(), 0, veto);
    ServingBundle.write(dir, new BundleContents(plain.labels(), plain.modelSpecJson(), plain.specHash(), plain.mean(),
        plain.std(), plain.pca(), plain.color(), plain.coefficients(), plain.intercepts(), plain.metadata(), prior));
    ServingBundle bundle = ServingBundle.load(dir);
    assertThat(bundle.prior().veto()).isEqualTo(veto);
    assertThat(bundle.usesHead()).as("a veto needs the head even at weight 0").isTrue();
    float[] broccoli = new float[1000];
    broccoli[937] = 12;
    assertThat(bundle.doubted(broccoli)).containsExactly("lemon");
    assertThat(bundle.doubted(null)).isEmpty();

    Files.writeString(dir.resolve(ServingBundle.JSON_FILE), Files.readString(dir.resolve(ServingBundle.JSON_FILE))
        .replace("\"quantile\" : 0.999", "\"quantile\" : 7"));
    assertThatThrownBy(() -> ServingBundle.load(dir)).isInstanceOf(FruitsException.class)
        .hasMessageContaining("veto").hasMessageContaining("(0, 1]");
  }

  /** A version 1 bundle (before the colour term) has the same layout as a later one with no colour bins. */
  @Test
  void versionOneBundlesWithoutColourStillLoad(@TempDir Path dir) throws Exception {
    BundleContents contents = contents(false);
    ServingBundle.write(dir, contents);
    Path json = dir.resolve(ServingBundle.JSON_FILE);
    String current = Files.readString(json);
    String v1 = current.replace("\"formatVersion\" : " + ServingBundle.FORMAT_VERSION, "\"formatVersion\" : 1")
        .replaceAll("(?s)\"color\" : \\{[^}]*\\},\\s*", "").replace("\"projection\" : \"pca\",", "");
    assertThat(v1).doesNotContain("\"color\"").contains("\"formatVersion\" : 1");
    Files.writeString(json, v1);
    ServingBundle bundle = ServingBundle.load(dir);
    assertThat(bundle.usesColor()).isFalse();
    assertPredictsLike(contents, bundle);
  }

  @Test
  void damagedOrForeignBundlesAreRefused(@TempDir Path dir) throws Exception {
    ServingBundle.write(dir, contents());
    byte[] arrays = Files.readAllBytes(dir.resolve(ServingBundle.ARRAYS_FILE));
    arrays[10] ^= 1;
    Files.write(dir.resolve(ServingBundle.ARRAYS_FILE), arrays);
    assertThatThrownBy(() -> ServingBundle.load(dir)).isInstanceOf(FruitsException.class).hasMessageContaining("is damaged");
    assertThatThrownBy(() -> ServingBundle.load(dir.resolve("nowhere"))).isInstanceOf(FruitsException.class)
        .hasMessageStartingWith("no bundle at");
    Files.writeString(dir.resolve(ServingBundle.JSON_FILE),
        Files.readString(dir.resolve(ServingBundle.JSON_FILE)).replace("\"formatVersion\" : " + ServingBundle.FORMAT_VERSION,
            "\"formatVersion\" : 7"));
    assertThatThrownBy(() -> ServingBundle.load(dir)).isInstanceOf(FruitsException.class)
        .hasMessageContaining("format version 7");
  }
}
