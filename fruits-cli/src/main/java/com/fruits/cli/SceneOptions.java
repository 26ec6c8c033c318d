package com.fruits.cli;

import com.fruits.core.synthetic.SceneRecipe;
import com.fruits.spark.synthetic.SynthesizeOptions;
import picocli.CommandLine.Option;

/** How many synthetic scenes, and made how: the options of {@code synthesize} and {@code pipeline} (a picocli mixin). */
final class SceneOptions {
  @Option(names = "--scenes-per-label", defaultValue = "" + SynthesizeOptions.DEFAULT_SCENES_PER_LABEL,
      description = "Synthetic scenes per species or variety; 0 for none (default: ${DEFAULT-VALUE}).")
  int scenesPerLabel;

  @Option(names = "--transforms", defaultValue = "all", paramLabel = "LIST",
      description = "Transforms scenes may use: pile,lighting,blur,noise,jpeg, all or none (default: ${DEFAULT-VALUE}).")
  String transforms;

  @Option(names = "--seed", defaultValue = "42", description = "Makes every scene reproducible (default: ${DEFAULT-VALUE}).")
  long seed;

  /** {@code options} with these scenes, each {@code size} pixels square. */
  SynthesizeOptions.Builder applyTo(SynthesizeOptions.Builder options, int size) {
    return options.scenesPerLabel(scenesPerLabel).recipe(recipe(size)).seed(seed);
  }

  /** The recipe, or a usage error naming the option. */
  private SceneRecipe recipe(int size) {
    try {
      return SceneRecipe.parse(transforms, size);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--transforms: " + e.getMessage());
    }
  }
}
