package com.fruits.cli;

import com.fruits.spark.ml.TrainJob;
import com.fruits.spark.ml.TrainOptions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Class-weighted logistic regression on PCA features and the colour histogram; k, colour weight and "
        + "regularization by cross-validation on split=Training, scored on split=Test; exports a Spark model and a "
        + "serving bundle.")
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--reduced", required = true, paramLabel = "URI", description = "A reduce output folder.")
  String reduced;

  @Option(names = "--out", required = true, paramLabel = "URI", description = "Output folder.")
  String out;

  @Option(names = "--components", split = ",", paramLabel = "K",
      description = "Candidate numbers of PCA components (default: k at 80, 90, 95 % variance).")
  List<Integer> components = List.of();

  @Option(names = "--color-weight", split = ",", paramLabel = "W", defaultValue = TrainOptions.DEFAULT_COLOR_WEIGHTS,
      description = "Candidate weights of the colour histogram beside the components, 0 for none "
          + "(default: ${DEFAULT-VALUE}).")
  List<Double> colorWeights;

  @Option(names = "--reg", split = ",", paramLabel = "R", defaultValue = TrainOptions.DEFAULT_REG_PARAMS,
      description = "Candidate L2 regularization strengths (default: ${DEFAULT-VALUE}).")
  List<Double> reg;

  @Option(names = "--folds", defaultValue = "3", description = "Cross-validation folds (default: ${DEFAULT-VALUE}).")
  int folds;

  @Option(names = "--per-class", paramLabel = "N", description = "Train on at most N Training images per label.")
  Integer perClass;

  @Option(names = "--max-iter", defaultValue = "200", description = "L-BFGS iterations (default: ${DEFAULT-VALUE}).")
  int maxIter;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of folds and sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin SparkMasterOption sparkMaster;

  @Option(names = "--overwrite", description = "Replace an existing output.")
  boolean overwrite;

  @Override
  public Integer call() {
    TrainOptions options = new TrainOptions(reduced, out, components, colorWeights, reg, folds, perClass, seed, maxIter, overwrite);
    return SparkCommands.run("fruits train", sparkMaster, spark -> new TrainJob(spark, options).run().describe());
  }
}
