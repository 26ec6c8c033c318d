package com.fruits.cli;

import com.fruits.core.FruitsException;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.spark.FeatureTable;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.FeaturizeOptions;
import com.fruits.spark.FeaturizeSummary;
import com.fruits.spark.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "featurize", mixinStandardHelpOptions = true,
    description = "List images (label = parent folder), run the CNN on Spark, write a Parquet feature table.")
final class FeaturizeCommand implements Callable<Integer> {
  @Option(names = "--images", required = true, paramLabel = "URI",
      description = "Folder or bucket prefix of .jpg/.jpeg/.png photos, read recursively (file:, s3a:, hdfs:).")
  String images;

  @Option(names = "--out", required = true, paramLabel = "URI",
      description = "Output folder: table/ (Parquet), summary.json, model-spec.json.")
  String out;

  @Option(names = "--model-spec", paramLabel = "FILE",
      description = "Model spec JSON (default: models/mobilenetv2.json).")
  Path modelSpec;

  @Mixin SparkMasterOption sparkMaster;

  @Option(names = "--sample", paramLabel = "N", description = "Featurize N images in total, stratified by label.")
  Integer sample;

  @Option(names = "--per-class", paramLabel = "N", description = "Featurize at most N images per label.")
  Integer perClass;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--batch-size", defaultValue = "32", description = "Images per inference (default: ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--threads-per-task", paramLabel = "N",
      description = "ONNX Runtime threads per Spark task (default: spark.task.cpus, so tasks x threads = cores).")
  Integer threadsPerTask;

  @Option(names = "--partitions", paramLabel = "N", description = "Input partitions (default: from image count and cores).")
  Integer partitions;

  @Option(names = "--overwrite", description = "Replace an existing output.")
  boolean overwrite;

  @Option(names = "--resume", description = "Only featurize images not in the output yet (path, size, mtime), and append.")
  boolean resume;

  @Option(names = "--compact", description = "With --resume: afterwards rewrite the table without the old rows of "
      + "photos featurized again because they changed in place (readers skip them anyway; this reclaims the space).")
  boolean compact;

  @Option(names = "--no-progress", negatable = false, description = "Do not draw a progress bar.")
  boolean noProgress;

  @Override
  public Integer call() {
    FeaturizeOptions options = FeaturizeOptions.of(images, out, modelSpec != null ? modelSpec : Defaults.modelSpec())
        .withSampling(sample, perClass, seed)
        .withExisting(overwrite, resume)
        .withCompaction(compact)
        .withExecution(batchSize, threadsPerTask, partitions);
    if (!images.contains(":") && !Files.exists(Path.of(images))) {
      throw new FruitsException("input path does not exist: " + images);
    }
    ResolvedModel model = ResolvedModel.resolve(options.modelSpec());
    System.err.printf("fruits: model %s (%d-d features, spec %s) ok; starting Spark%n", model.spec().name(),
        model.featureDimension(), model.spec().hash().substring(0, 12));
    SparkSession spark = SparkSessions.create("fruits featurize", sparkMaster.master, sparkMaster.s3.endpoint);
    try {
      FeaturizeSummary summary = new FeaturizeJob(spark, options, model, !noProgress).run();
      System.out.println("fruits: " + summary.describe());
      System.out.println("fruits: table " + FeatureTable.table(out) + ", summary " + FeatureTable.summary(out));
      return 0;
    } finally {
      spark.stop();
    }
  }
}
