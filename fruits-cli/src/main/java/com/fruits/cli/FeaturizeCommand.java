package com.fruits.cli;

import com.fruits.core.dataset.ImageSource;
import com.fruits.core.featurize.InferenceDevice;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.image.ViewPolicy;
import com.fruits.core.run.FeaturizeSummary;
import com.fruits.core.run.RunFolder;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.FeaturizeOptions;
import com.fruits.spark.SparkSessions;
import com.fruits.storage.HadoopFiles;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "featurize", mixinStandardHelpOptions = true,
    description = "List images (species and variety from the taxonomy), run the CNN on Spark, write a Parquet feature "
        + "table.")
final class FeaturizeCommand implements Callable<Integer> {
  @Mixin ImageSourcesOption images;

  @Mixin TaxonomyOption taxonomy;

  @Option(names = "--views", paramLabel = "SOURCE=SHARE", defaultValue = "",
      description = "Share of each source's Training photos that get every view (crops and mirror) as well as the "
          + "whole photo, e.g. grocery-store=1,fruits-360=0.25; default=SHARE for the rest (default: 0). Photos "
          + "outside the Training split always get them.")
  String views;

  @Option(names = "--out", required = true, paramLabel = "URI",
      description = "Output folder: table/ (Parquet), summary.json, model-spec.json.")
  String out;

  @Mixin ModelSpecOption modelSpec;

  @Mixin SparkMasterOption sparkMaster;

  @Mixin SamplingOptions sampling;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--batch-size", paramLabel = "N", description = "Images per inference (default: "
      + InferenceDevice.CPU_BATCH_SIZE + " on the CPU, " + InferenceDevice.GPU_BATCH_SIZE + " where a GPU may be used).")
  Integer batchSize;

  @Mixin DeviceOption device;

  @Option(names = "--threads-per-task", paramLabel = "N",
      description = "ONNX Runtime threads per Spark task (default: spark.task.cpus, so tasks x threads = cores).")
  Integer threadsPerTask;

  @Option(names = "--partitions", paramLabel = "N", description = "Input partitions (default: from image count and cores).")
  Integer partitions;

  @Mixin OverwriteOption overwrite;

  @Option(names = "--resume", description = "Only featurize images not in the output yet (path, size, mtime), and append.")
  boolean resume;

  @Option(names = "--compact", description = "With --resume: afterwards rewrite the table without the old rows of "
      + "photos featurized again because they changed in place (readers skip them anyway; this reclaims the space).")
  boolean compact;

  @Option(names = "--no-progress", negatable = false, description = "Do not draw a progress bar.")
  boolean noProgress;

  @Override
  public Integer call() {
    FeaturizeOptions options = sampling.applyTo(FeaturizeOptions.builder(images.joined(), out, modelSpec.path()))
        .taxonomy(taxonomy.taxonomy).views(ViewPolicy.parse(views, 0)).seed(seed)
        .overwrite(overwrite.overwrite).resume(resume).compact(compact)
        .batchSize(batchSize).device(device.device()).threadsPerTask(threadsPerTask).partitions(partitions)
        .build();
    options.views().requireSources(options.sources().stream().map(ImageSource::name).toList());
    for (ImageSource source : options.sources()) {
      LocalInputs.requireLocalPath(source.uri());
    }
    ResolvedModel model = ResolvedModel.resolve(options.modelSpec());
    System.err.printf("fruits: model %s (%d-d features, spec %s) ok; starting Spark%n", model.spec().name(),
        model.featureDimension(), model.spec().hash().substring(0, 12));
    SparkSession spark = SparkSessions.create("fruits featurize", sparkMaster.master, sparkMaster.s3.endpoint);
    try {
      FeaturizeSummary summary = new FeaturizeJob(spark, options, model, !noProgress).run();
      System.out.println("fruits: " + summary.describe());
      System.out.println("fruits: table " + HadoopFiles.child(out, RunFolder.TABLE) + ", summary "
          + HadoopFiles.child(out, RunFolder.SUMMARY));
      return 0;
    } finally {
      spark.stop();
    }
  }
}
