package com.fruits.cli;

import com.fruits.core.progress.JobProgress;
import com.fruits.spark.ml.TrainJob;
import com.fruits.spark.ml.TrainOptions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Class-weighted logistic regression over species and varieties (and not-a-fruit) on the "
        + "standardized CNN features of every source and view; regularization chosen and confidence threshold fitted "
        + "on the held-out real photos (split=Validation); exports a Spark model and a serving bundle.")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--features", required = true, paramLabel = "URI", description = "A featurize output folder.")
  String features;

  @Option(names = "--out", required = true, paramLabel = "URI", description = "Output folder.")
  String out;

  @Option(names = "--reg", split = ",", paramLabel = "R", defaultValue = TrainOptions.DEFAULT_REG_PARAMS,
      description = "Candidate L2 regularization strengths (default: ${DEFAULT-VALUE}).")
  List<Double> reg;

  @Option(names = "--max-iter", defaultValue = TrainOptions.DEFAULT_MAX_ITER,
      description = "L-BFGS iterations per fit (default: ${DEFAULT-VALUE}).")
  int maxIter;

  @Option(names = "--fit-on", defaultValue = TrainOptions.DEFAULT_FIT_ON, paramLabel = "auto|driver|spark",
      description = "Where the classifier is fitted: the driver, Spark ML's distributed fit, or auto: the driver when "
          + "the samples take at most a quarter of its heap (default: ${DEFAULT-VALUE}).")
  String fitOn;

  @Option(names = "--unseen", split = ",", paramLabel = "SOURCE",
      description = "Also fit without each of these sources and score the model on all of its photos.")
  List<String> unseen = List.of();

  @Option(names = "--scenes", paramLabel = "URI",
      description = "The synthesize output featurized with these features: scenes drawn on an unseen source's "
          + "backgrounds, or all scenes when it is their studio source, are left out of its fit too.")
  String scenes;

  @Option(names = "--precision", defaultValue = "" + TrainOptions.DEFAULT_TARGET_PRECISION,
      description = "Share of answered held-out photos that must be right; fixes the threshold (default: ${DEFAULT-VALUE}).")
  double precision;

  @Option(names = "--variety-confidence", defaultValue = "" + TrainOptions.DEFAULT_VARIETY_CONFIDENCE,
      description = "Name the variety from this probability within its species (default: ${DEFAULT-VALUE}).")
  double varietyConfidence;

  @Option(names = "--prior-weights", split = ",", paramLabel = "W", defaultValue = TrainOptions.DEFAULT_PRIOR_WEIGHTS,
      description = "Candidate weights of the ImageNet head's prior, 0 for none; the unseen sources choose "
          + "(default: ${DEFAULT-VALUE}).")
  List<Double> priorWeights;

  @Mixin HeadVetoOption headVeto;

  @Mixin SparkMasterOption sparkMaster;

  @Mixin OverwriteOption overwrite;

  @Override
  public Integer call() {
    TrainOptions options = TrainOptions.builder(features, out).regParams(reg).maxIter(maxIter)
        .fitOn(TrainOptions.FitOn.parse(fitOn)).unseenSources(unseen).scenes(scenes).targetPrecision(precision)
        .varietyConfidence(varietyConfidence).priorWeights(priorWeights).headVetoQuantile(headVeto.quantile)
        .overwrite(overwrite.overwrite).build();
    return SparkCommands.run("fruits train", sparkMaster,
        spark -> new TrainJob(spark, options, JobProgress.STDERR).run().describe());
  }
}
