package com.fruits.spark.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fruits.core.run.RunFolder;
import com.fruits.spark.FeaturizeOptions;
import com.fruits.spark.ml.ReduceOptions;
import com.fruits.spark.ml.TrainOptions;
import com.fruits.storage.HadoopFiles;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PipelineOptionsTest {
  private static final String WORK = "s3a://bucket/work";
  private static final String FEATURES = HadoopFiles.child(WORK, RunFolder.FEATURES);

  private static PipelineOptions options(String reduced, String trainFeatures) {
    return new PipelineOptions(WORK, null, FeaturizeOptions.of("photos", FEATURES, Path.of("spec.json")),
        ReduceOptions.of(FEATURES, reduced), TrainOptions.of(trainFeatures, HadoopFiles.child(WORK,
        RunFolder.MODEL)));
  }

  @Test
  void eachStageWritesWhereTheRunFolderSays() {
    PipelineOptions options = options(HadoopFiles.child(WORK, RunFolder.REDUCED), FEATURES);
    assertThat(options.featurize().out()).isEqualTo("s3a://bucket/work/features");
    assertThat(options.reduce().out()).isEqualTo("s3a://bucket/work/reduced");
    assertThatThrownBy(() -> options("s3a://bucket/elsewhere", FEATURES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the pipeline writes reduced to s3a://bucket/work/reduced, not s3a://bucket/elsewhere");
  }

  @Test
  void laterStagesReadTheFeaturesThePipelineWrites() {
    assertThatThrownBy(() -> options(HadoopFiles.child(WORK, RunFolder.REDUCED), "other/features"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("read the features the pipeline writes");
  }
}
