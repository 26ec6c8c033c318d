package com.fruits.cli;

import com.fruits.core.progress.JobProgress;
import com.fruits.spark.ml.ReduceJob;
import com.fruits.spark.ml.ReduceOptions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "reduce", mixinStandardHelpOptions = true,
    description = "Standardize + PCA fitted on the Training rows, k by explained variance; writes the reduced table.")
final class ReduceCommand implements Callable<Integer> {
  @Option(names = "--features", required = true, paramLabel = "URI", description = "A featurize output folder.")
  String features;

  @Option(names = "--out", required = true, paramLabel = "URI", description = "Output folder.")
  String out;

  @Option(names = "--variance", defaultValue = ReduceOptions.DEFAULT_VARIANCE_TEXT,
      description = "Keep the smallest k reaching this explained variance, in (0, 1] (default: ${DEFAULT-VALUE}).")
  double variance;

  @Option(names = "--k", paramLabel = "K", description = "A fixed number of components instead of --variance.")
  Integer k;

  @Option(names = "--study", split = ",", paramLabel = "SIZES",
      description = "k-versus-sample-size study: stratified Training samples of these sizes ('all' allowed), e.g. 240,2400,all.")
  List<String> study = List.of();

  @Option(names = "--study-seeds", defaultValue = "" + ReduceOptions.DEFAULT_STUDY_SEEDS, description = "Samples (seeds) per study size (default: ${DEFAULT-VALUE}).")
  int studySeeds;

  @Mixin SparkMasterOption sparkMaster;

  @Mixin OverwriteOption overwrite;

  @Override
  public Integer call() {
    ReduceOptions options = ReduceOptions.builder(features, out).variance(variance).k(k).studySizes(study)
        .studySeeds(studySeeds).overwrite(overwrite.overwrite).build();
    return SparkCommands.run("fruits reduce", sparkMaster,
        spark -> new ReduceJob(spark, options, JobProgress.STDERR).run().describe());
  }
}
