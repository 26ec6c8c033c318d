package com.fruits.spark.ml;

import java.util.List;

/**
 * @param reduced a reduce output folder (its scaler is reused; its features table is read)
 * @param out the model output folder
 * @param components candidate numbers of PCA components for the classifier (empty: k at 80, 90 and 95 %)
 * @param regParams candidate L2 regularization strengths
 * @param folds cross-validation folds over the Training split
 * @param perClass train on at most this many Training images per label (null: all)
 */
public record TrainOptions(String reduced, String out, List<Integer> components, List<Double> regParams, int folds,
    Integer perClass, long seed, int maxIter, boolean overwrite) {
  /** The default L2 candidates, as the command line writes them. */
  public static final String DEFAULT_REG_PARAMS = "0.000001,0.00001,0.0001";

  public TrainOptions {
    components = List.copyOf(components);
    regParams = List.copyOf(regParams);
    if (regParams.isEmpty() || regParams.stream().anyMatch(r -> r < 0)) {
      throw new IllegalArgumentException("--reg needs at least one value >= 0");
    }
    if (components.stream().anyMatch(k -> k <= 0)) {
      throw new IllegalArgumentException("--components must be positive");
    }
    if (folds < 2) {
      throw new IllegalArgumentException("--folds must be at least 2");
    }
    if (perClass != null && perClass <= 0) {
      throw new IllegalArgumentException("--per-class must be positive");
    }
  }

  public static TrainOptions of(String reduced, String out) {
    return new TrainOptions(reduced, out, List.of(), List.of(1e-6, 1e-5, 1e-4), 3, null, 42, 200, false);
  }
}
