package com.fruits.spark.synthetic;

import com.fruits.core.run.SynthesizeSummary;
import com.fruits.core.synthetic.SceneRecipe;
import java.nio.file.Path;
import javax.annotation.Nullable;
import org.immutables.value.Value;

/**
 * What a synthesize run is asked to do; built with {@link #builder}, which starts from the defaults below.
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
@Value.Builder
public record SynthesizeOptions(String studio, String backgrounds, String out, @Nullable Path taxonomy,
    int scenesPerLabel, int fruitsPerScene, SceneRecipe recipe, long seed) {
  public static final int DEFAULT_SCENES_PER_LABEL = 150;

  public SynthesizeOptions {
    if (scenesPerLabel <= 0) {
      throw new IllegalArgumentException("--scenes-per-label must be positive");
    }
    if (fruitsPerScene <= 0) {
      throw new IllegalArgumentException("fruits per scene must be positive");
    }
  }

  public static Builder builder(String studio, String backgrounds, String out) {
    return new Builder().studio(studio).backgrounds(backgrounds).out(out);
  }

  /** Named setters over the defaults; {@code build()} validates. */
  public static final class Builder extends SynthesizeOptionsBuilder {
    Builder() {
      scenesPerLabel(DEFAULT_SCENES_PER_LABEL).fruitsPerScene(4).recipe(SceneRecipe.DEFAULT).seed(42);
    }
  }

  /** Whether a run with {@code other} would make the same scenes (the inputs' contents aside). */
  public boolean sameScenes(SynthesizeSummary other) {
    return other.scenesPerLabel() == scenesPerLabel && other.recipe().equals(recipe.describe()) && other.seed() == seed
        && other.studio().equals(studio) && other.backgrounds().equals(backgrounds);
  }
}
