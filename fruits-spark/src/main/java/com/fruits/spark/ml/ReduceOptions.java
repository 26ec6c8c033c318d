package com.fruits.spark.ml;

import java.util.List;

/**
 * @param features a featurize output folder
 * @param out the reduce output folder
 * @param variance keep the smallest k whose cumulative explained variance reaches this (0, 1]
 * @param k a fixed number of components instead (null: by variance)
 * @param studySizes sample sizes of the k-versus-sample-size study ("all" allowed); empty: no study
 * @param studySeeds seeds per sample size
 */
public record ReduceOptions(String features, String out, double variance, Integer k, List<String> studySizes,
    int studySeeds, boolean overwrite) {
  /** The command line writes the defaults, for its help. */
  public static final String DEFAULT_VARIANCE_TEXT = "0.80";
  public static final double DEFAULT_VARIANCE = Double.parseDouble(DEFAULT_VARIANCE_TEXT);
  public static final int DEFAULT_STUDY_SEEDS = 3;

  public ReduceOptions {
    if (!(variance > 0 && variance <= 1)) {
      throw new IllegalArgumentException("--variance must be in (0, 1], got " + variance);
    }
    if (k != null && k <= 0) {
      throw new IllegalArgumentException("--k must be positive");
    }
    if (studySeeds <= 0) {
      throw new IllegalArgumentException("--study-seeds must be positive");
    }
    for (String size : studySizes) {
      if (!size.equals("all") && !size.matches("[1-9][0-9]*")) {
        throw new IllegalArgumentException("--study takes positive sizes or 'all', got '" + size + "'");
      }
    }
    studySizes = List.copyOf(studySizes);
  }

  public static ReduceOptions of(String features, String out) {
    return new ReduceOptions(features, out, DEFAULT_VARIANCE, null, List.of(), DEFAULT_STUDY_SEEDS, false);
  }

  /** k: the smallest keeping {@code share} of the variance, or {@code fixedK} components where it is not null. */
  public ReduceOptions withComponents(double share, Integer fixedK) {
    return new ReduceOptions(features, out, share, fixedK, studySizes, studySeeds, overwrite);
  }

  public ReduceOptions withStudy(List<String> sizes, int seeds) {
    return new ReduceOptions(features, out, variance, k, sizes, seeds, overwrite);
  }

  public ReduceOptions withOverwrite(boolean replace) {
    return new ReduceOptions(features, out, variance, k, studySizes, studySeeds, replace);
  }
}
