package com.fruits.core.serving;

import com.fruits.core.image.ColorHistogram;
import java.util.List;
import java.util.Map;

/**
 * The parameters of a trained classifier, as fitted: a standard scaler (mean, std; a zero std maps to 0, as in
 * Spark ML), a PCA projection {@code pca[d][k]} (null: none, the classifier reads the d standardized features), an
 * optional {@link ColorTerm}, and a multinomial logistic regression
 * {@code coefficients[K][k + b]} + {@code intercepts[K]} over {@code labels[K]}, whose inputs are the k components
 * followed by the b weighted, standardized colour bins. {@code modelSpec} is the featurizer's spec JSON.
 * {@code prior} (null: none) combines the classifier with the backbone's ImageNet head ({@link ImageNetPrior}).
 */
public record BundleContents(
    List<String> labels,
    String modelSpecJson,
    String specHash,
    double[] mean,
    double[] std,
    double[][] pca,
    ColorTerm color,
    double[][] coefficients,
    double[] intercepts,
    Map<String, Object> metadata,
    ImageNetPrior prior) {

  /** Contents without an ImageNet prior. */
  public BundleContents(List<String> labels, String modelSpecJson, String specHash, double[] mean, double[] std,
      double[][] pca, ColorTerm color, double[][] coefficients, double[] intercepts, Map<String, Object> metadata) {
    this(labels, modelSpecJson, specHash, mean, std, pca, color, coefficients, intercepts, metadata, null);
  }

  /**
   * The colour descriptor's part of the classifier's input: {@code weight × (histogram − mean) / std} per bin (a
   * zero std maps to 0). {@link #NONE} has no bins: the classifier sees the CNN's components only.
   */
  public record ColorTerm(String descriptor, double[] mean, double[] std, double weight) {
    public static final ColorTerm NONE = new ColorTerm("none", new double[0], new double[0], 0);

    public ColorTerm {
      if (mean.length != std.length) {
        throw new IllegalArgumentException("colour mean and std differ in length");
      }
    }

    /** The {@link ColorHistogram} standardized with the Training split's mean and std, times {@code weight}. */
    public static ColorTerm histogram(double[] mean, double[] std, double weight) {
      if (mean.length != ColorHistogram.BINS) {
        throw new IllegalArgumentException("a colour histogram has " + ColorHistogram.BINS + " bins, got " + mean.length);
      }
      return new ColorTerm(ColorHistogram.DESCRIPTOR, mean, std, weight);
    }

    public int bins() {
      return mean.length;
    }
  }

  public BundleContents {
    labels = List.copyOf(labels);
    int d = mean.length;
    int k = pca == null ? d : pca.length == 0 ? 0 : pca[0].length;
    if (std.length != d || pca != null && pca.length != d) {
      throw new IllegalArgumentException("scaler and PCA disagree on the feature dimension");
    }
    if (coefficients.length != labels.size() || intercepts.length != labels.size()) {
      throw new IllegalArgumentException("classifier has " + coefficients.length + " rows for " + labels.size() + " labels");
    }
    for (double[] row : coefficients) {
      if (row.length != k + color.bins()) {
        throw new IllegalArgumentException("classifier expects " + row.length + " inputs, PCA and colour give "
            + k + " + " + color.bins());
      }
    }
    metadata = Map.copyOf(metadata);
    if (prior != null && (prior.labels().size() < labels.size()
        || !prior.labels().subList(0, labels.size()).equals(labels))) {
      throw new IllegalArgumentException("the ImageNet prior was built for other labels");
    }
  }

  public int featureDimension() {
    return mean.length;
  }

  public int components() {
    return pca == null ? mean.length : pca.length == 0 ? 0 : pca[0].length;
  }

  /** Whether the classifier reads the standardized features themselves, without a PCA projection. */
  public boolean unprojected() {
    return pca == null;
  }
}
