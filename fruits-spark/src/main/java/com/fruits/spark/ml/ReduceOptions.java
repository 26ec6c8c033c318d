package com.fruits.spark.ml;

import java.util.List;
import javax.annotation.Nullable;
import org.immutables.value.Value;

/**
 * What a reduce run is asked to do; built with {@link #builder}, which starts from the defaults below.
 *
 * @param features a featurize output folder
 * @param out the reduce output folder
 * @param variance keep the smallest k whose cumulative explained variance reaches this (0, 1]
 * @param k a fixed number of components instead (null: by variance)
 * @param studySizes sample sizes of the k-versus-sample-size study ("all" allowed); empty: no study
 * @param studySeeds seeds per sample size
 */
@Value.Builder
public record ReduceOptions(String features, String out, double variance, @Nullable Integer k,
    List<String> studySizes, int studySeeds, boolean overwrite) {
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

  /** The defaults. */
  public static ReduceOptions of(String features, String out) {
    return builder(features, out).build();
  }

  public static Builder builder(String features, String out) {
    return new Builder().features(features).out(out);
  }

  /** Named setters over the defaults; {@code build()} validates. */
  public static final class Builder extends ReduceOptionsBuilder {
    Builder() {
      variance(DEFAULT_VARIANCE).studySeeds(DEFAULT_STUDY_SEEDS).overwrite(false);
    }
  }
}
