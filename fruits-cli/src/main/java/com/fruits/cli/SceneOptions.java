package com.fruits.cli;

import com.fruits.core.synthetic.SceneRecipe;
import com.fruits.spark.synthetic.SynthesizeOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * How many synthetic scenes, and made how: the options of {@code synthesize} and {@code pipeline} (a picocli mixin).
 * Checked as they are parsed: a pipeline that makes no scenes (no studio source) must still refuse a typo.
 */
final class SceneOptions {
  @Spec(Spec.Target.MIXEE) CommandSpec command;

  int scenesPerLabel = SynthesizeOptions.DEFAULT_SCENES_PER_LABEL;
  private String transforms = "all";

  @Option(names = "--seed", defaultValue = "42", description = "Makes every scene reproducible (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--scenes-per-label", defaultValue = "" + SynthesizeOptions.DEFAULT_SCENES_PER_LABEL,
      description = "Synthetic scenes per species or variety; 0 for none (default: ${DEFAULT-VALUE}).")
  void scenesPerLabel(int value) {
    if (value < 0) {
      throw new ParameterException(command.commandLine(), "--scenes-per-label must be 0 or more, not " + value);
    }
    scenesPerLabel = value;
  }

  @Option(names = "--transforms", defaultValue = "all", paramLabel = "LIST",
      description = "Transforms scenes may use: pile,lighting,blur,noise,jpeg, all or none (default: ${DEFAULT-VALUE}).")
  void transforms(String value) {
    try {
      SceneRecipe.parse(value, SceneRecipe.DEFAULT.size());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(command.commandLine(), "--transforms: " + e.getMessage());
    }
    transforms = value;
  }

  /** {@code options} with these scenes, each {@code size} pixels square. */
  SynthesizeOptions.Builder applyTo(SynthesizeOptions.Builder options, int size) {
    return options.scenesPerLabel(scenesPerLabel).recipe(SceneRecipe.parse(transforms, size)).seed(seed);
  }
}
