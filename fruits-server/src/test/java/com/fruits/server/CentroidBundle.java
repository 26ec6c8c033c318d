package com.fruits.server;

import com.fruits.core.TestImages;
import com.fruits.core.featurize.OnnxFeaturizer;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.featurize.SharedFeaturizers;
import com.fruits.core.image.ImagePreprocessor;
import com.fruits.core.model.ModelSpecs;
import com.fruits.core.serving.BundleContents;
import com.fruits.core.serving.ServingBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A small real serving bundle for tests, fitted without Spark: MobileNetV2 features of a few Training photos per
 * class, and a nearest-centroid classifier written as the bundle's linear layers (logit_c = s (x·μ_c − |μ_c|²/2)),
 * with the scale s set so that a typical training photo gets about 99 % on its class.
 */
final class CentroidBundle {
  static final List<String> LABELS = List.of("Kiwi", "Lemon", "Strawberry", "Granny Smith");

  private CentroidBundle() {}

  static Path write(Path dir, int photosPerClass) throws Exception {
    Map<String, List<Path>> photos = new java.util.LinkedHashMap<>();
    for (String label : LABELS) {
      photos.put(label, firstPhotos(TestImages.fruitsDir().resolve("Training").resolve(label), photosPerClass));
    }
    return write(dir, photos);
  }

  /** The first {@code count} photos of {@code folder}, in name order. */
  static List<Path> firstPhotos(Path folder, int count) throws Exception {
    try (Stream<Path> files = Files.list(folder)) {
      return files.sorted().limit(count).toList();
    }
  }

  /** A bundle over the labels of {@code photosByLabel}, each the centroid of its photos' features. */
  static Path write(Path dir, Map<String, List<Path>> photosByLabel) throws Exception {
    List<String> labels = List.copyOf(photosByLabel.keySet());
    ResolvedModel model = ResolvedModel.resolve(TestImages.modelSpec("mobilenetv2"));
    OnnxFeaturizer featurizer = SharedFeaturizers.get(model.spec(), model.modelFile(), 2);
    ImagePreprocessor preprocessor = new ImagePreprocessor(model.spec().input());
    int d = featurizer.featureDimension();
    int classes = labels.size();
    float[][][] features = new float[classes][][];
    double[][] centroids = new double[classes][d];
    for (int c = 0; c < classes; c++) {
      List<Path> photos = photosByLabel.get(labels.get(c));
      features[c] = new float[photos.size()][];
      for (int i = 0; i < photos.size(); i++) {
        features[c][i] = featurizer.run(preprocessor.prepare(Files.readAllBytes(photos.get(i))), 1)[0];
        for (int j = 0; j < d; j++) {
          centroids[c][j] += features[c][i][j] / photos.size();
        }
      }
    }
    double[] halfNorms = Arrays.stream(centroids).mapToDouble(m -> dot(m, m) / 2).toArray();
    double[] margins = Arrays.stream(features).flatMap(Arrays::stream).mapToDouble(x -> {
      double[] scores = new double[classes];
      for (int c = 0; c < classes; c++) {
        scores[c] = dot(x, centroids[c]) - halfNorms[c];
      }
      Arrays.sort(scores);
      return scores[classes - 1] - scores[classes - 2];
    }).sorted().toArray();
    double scale = Math.log(99 * (classes - 1)) / margins[margins.length / 2];

    double[][] pca = new double[d][classes];
    for (int j = 0; j < d; j++) {
      for (int c = 0; c < classes; c++) {
        pca[j][c] = centroids[c][j];
      }
    }
    double[][] coefficients = new double[classes][classes];
    double[] intercepts = new double[classes];
    for (int c = 0; c < classes; c++) {
      coefficients[c][c] = scale;
      intercepts[c] = -scale * halfNorms[c];
    }
    double[] ones = new double[d];
    Arrays.fill(ones, 1);
    ServingBundle.write(dir, new BundleContents(labels, ModelSpecs.toJson(model.spec()), model.spec().hash(),
        new double[d], ones, pca, BundleContents.ColorTerm.NONE, coefficients, intercepts,
        Map.of("classifier", "nearest centroid (test)")));
    return dir;
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static double dot(float[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }
}
