package com.fruits.spark.ml;

import java.util.List;

/**
 * @param reduced a reduce output folder (its scaler is reused; its features table is read)
 * @param out the model output folder
 * @param components candidate numbers of PCA components for the classifier (empty: k at 80, 90 and 95 %)
 * @param colorWeights candidate weights of the standardized colour histogram beside the components (0: no colour)
 * @param regParams candidate L2 regularization strengths
 * @param folds cross-validation folds over the Training split
 * @param perClass train on at most this many Training images per label (null: all)
 */
public record TrainOptions(String reduced, String out, List<Integer> components, List<Double> colorWeights,
    List<Double> regParams, int folds, Integer perClass, long seed, int maxIter, boolean overwrite) {
  /**
   * The default L2 candidates, as the command line writes them: one, the weakest, which blocked cross-validation on
   * the shared data preferred in every comparison (1e-6 over 1e-5 over 1e-4 at k = 65, 154, 286 without colour, and
   * at k = 154 with colour weight 8), by 0.02 to 0.3 points: a reg grid multiplied the training time for nothing.
   */
  public static final String DEFAULT_REG_PARAMS = "0.000001";
  /** The default colour weights, as the command line writes them: without colour, and three strengths. */
  public static final String DEFAULT_COLOR_WEIGHTS = "0,4,8,16";

  public TrainOptions {
    components = List.copyOf(components);
    colorWeights = List.copyOf(colorWeights);
    if (colorWeights.isEmpty() || colorWeights.stream().anyMatch(w -> w < 0)) {
      throw new IllegalArgumentException("--color-weight needs at least one value >= 0");
    }
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
    return new TrainOptions(reduced, out, List.of(), doubles(DEFAULT_COLOR_WEIGHTS), doubles(DEFAULT_REG_PARAMS), 3,
        null, 42, 200, false);
  }

  private static List<Double> doubles(String commaSeparated) {
    return java.util.Arrays.stream(commaSeparated.split(",")).map(Double::valueOf).toList();
  }
}
