package com.fruits.spark.synthetic;

import com.fruits.core.run.SynthesizeSummary;
import com.fruits.core.synthetic.SceneRecipe;
import java.nio.file.Path;

/**
 * What a synthesize run is asked to do.
 *
 * @param studio the studio source(s) ({@code name=uri}, comma-separated): their Training photos of fruit are cut out
 * @param backgrounds the source(s) whose Training photos of no fruit become backgrounds
 * @param out output folder: {@code images/<label>/*.jpg}, {@code scenes/} (Parquet provenance), {@code summary.json}
 * @param taxonomy the taxonomy CSV (null: the shipped one)
 * @param scenesPerLabel scenes made for each label (species or species/variety) of the studio photos
 * @param fruitsPerScene distinct studio photos a scene may draw its fruits from
 * @param recipe the transforms scenes may use
 * @param seed makes every scene reproducible
 */
public record SynthesizeOptions(String studio, String backgrounds, String out, Path taxonomy, int scenesPerLabel,
    int fruitsPerScene, SceneRecipe recipe, long seed) {
  public static final int DEFAULT_SCENES_PER_LABEL = 150;

  public SynthesizeOptions {
    if (scenesPerLabel <= 0) {
      throw new IllegalArgumentException("--scenes-per-label must be positive");
    }
    if (fruitsPerScene <= 0) {
      throw new IllegalArgumentException("fruits per scene must be positive");
    }
  }

  public static SynthesizeOptions of(String studio, String backgrounds, String out) {
    return new SynthesizeOptions(studio, backgrounds, out, null, DEFAULT_SCENES_PER_LABEL, 4, SceneRecipe.DEFAULT, 42);
  }

  public SynthesizeOptions withScenes(int perLabel, SceneRecipe sceneRecipe, long sceneSeed) {
    return new SynthesizeOptions(studio, backgrounds, out, taxonomy, perLabel, fruitsPerScene, sceneRecipe, sceneSeed);
  }

  public SynthesizeOptions withTaxonomy(Path taxonomyFile) {
    return new SynthesizeOptions(studio, backgrounds, out, taxonomyFile, scenesPerLabel, fruitsPerScene, recipe, seed);
  }

  /** Whether a run with {@code other} would make the same scenes (the inputs' contents aside). */
  public boolean sameScenes(SynthesizeSummary other) {
    return other.scenesPerLabel() == scenesPerLabel && other.recipe().equals(recipe.describe()) && other.seed() == seed
        && other.studio().equals(studio) && other.backgrounds().equals(backgrounds);
  }
}
