package com.fruits.core.serving;

import java.util.List;
import java.util.Map;

/**
 * The parameters of a trained classifier, as fitted: a standard scaler (mean, std; a zero std maps to 0, as in
 * Spark ML), a PCA projection {@code pca[d][k]}, and a multinomial logistic regression {@code coefficients[K][k]} +
 * {@code intercepts[K]} over {@code labels[K]}. {@code modelSpec} is the featurizer's spec JSON.
 */
public record BundleContents(
    List<String> labels,
    String modelSpecJson,
    String specHash,
    double[] mean,
    double[] std,
    double[][] pca,
    double[][] coefficients,
    double[] intercepts,
    Map<String, Object> metadata) {

  public BundleContents {
    labels = List.copyOf(labels);
    int d = mean.length;
    int k = pca.length == 0 ? 0 : pca[0].length;
    if (std.length != d || pca.length != d) {
      throw new IllegalArgumentException("scaler and PCA disagree on the feature dimension");
    }
    if (coefficients.length != labels.size() || intercepts.length != labels.size()) {
      throw new IllegalArgumentException("classifier has " + coefficients.length + " rows for " + labels.size() + " labels");
    }
    for (double[] row : coefficients) {
      if (row.length != k) {
        throw new IllegalArgumentException("classifier expects " + row.length + " components, PCA gives " + k);
      }
    }
    metadata = Map.copyOf(metadata);
  }

  public int featureDimension() {
    return mean.length;
  }

  public int components() {
    return pca.length == 0 ? 0 : pca[0].length;
  }
}
