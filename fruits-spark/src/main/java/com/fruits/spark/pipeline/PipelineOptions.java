package com.fruits.spark.pipeline;

import com.fruits.core.run.RunFolder;
import com.fruits.spark.FeaturizeOptions;
import com.fruits.spark.ml.ReduceOptions;
import com.fruits.spark.ml.TrainOptions;
import com.fruits.spark.synthetic.SynthesizeOptions;
import com.fruits.storage.HadoopFiles;
import java.util.Objects;

/**
 * What a pipeline run is asked to do: each stage's own options, their outputs inside one work folder laid out as
 * {@link RunFolder} says.
 *
 * @param synthesize null: no synthetic scenes
 */
public record PipelineOptions(String work, SynthesizeOptions synthesize, FeaturizeOptions featurize,
    ReduceOptions reduce, TrainOptions train) {

  public PipelineOptions {
    Objects.requireNonNull(featurize, "featurize");
    Objects.requireNonNull(reduce, "reduce");
    Objects.requireNonNull(train, "train");
    requireInWork(work, RunFolder.FEATURES, featurize.out());
    requireInWork(work, RunFolder.REDUCED, reduce.out());
    requireInWork(work, RunFolder.MODEL, train.out());
    if (synthesize != null) {
      requireInWork(work, RunFolder.SYNTHETIC, synthesize.out());
    }
    if (!reduce.features().equals(featurize.out()) || !train.features().equals(featurize.out())) {
      throw new IllegalArgumentException("reduce and train read the features the pipeline writes, "
          + featurize.out());
    }
  }

  private static void requireInWork(String work, String folder, String out) {
    String expected = HadoopFiles.child(work, folder);
    if (!expected.equals(out)) {
      throw new IllegalArgumentException("the pipeline writes " + folder + " to " + expected + ", not " + out);
    }
  }
}
