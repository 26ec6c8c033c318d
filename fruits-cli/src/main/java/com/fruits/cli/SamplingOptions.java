package com.fruits.cli;

import com.fruits.spark.FeaturizeOptions;
import picocli.CommandLine.Option;

/** Which of the listed photos to featurize: the options of {@code featurize} and {@code pipeline} (a picocli mixin). */
final class SamplingOptions {
  @Option(names = "--sample", paramLabel = "N", description = "Featurize N images in total, stratified by label.")
  Integer total;

  @Option(names = "--per-class", paramLabel = "N", description = "Featurize at most N images per label.")
  Integer perClass;

  /** The builder with these limits set; {@link FeaturizeOptions} refuses both at once. */
  FeaturizeOptions.Builder applyTo(FeaturizeOptions.Builder options) {
    return options.sampleTotal(total).perClass(perClass);
  }
}
