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
    return new ReduceOptions(features, out, 0.80, null, List.of(), 3, false);
  }
}
