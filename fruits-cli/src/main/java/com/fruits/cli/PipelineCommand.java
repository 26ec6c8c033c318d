package com.fruits.cli;

import com.fruits.core.featurize.ResolvedModel;
import com.fruits.report.ReportBuilder;
import com.fruits.spark.FeatureTable;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.FeaturizeOptions;
import com.fruits.spark.FeaturizeSummary;
import com.fruits.spark.HadoopFiles;
import com.fruits.spark.SparkSessions;
import com.fruits.spark.Summaries;
import com.fruits.spark.ml.ReduceJob;
import com.fruits.spark.ml.ReduceOptions;
import com.fruits.spark.ml.ReduceSummary;
import com.fruits.spark.ml.TrainJob;
import com.fruits.spark.ml.TrainOptions;
import com.fruits.spark.ml.TrainSummary;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "featurize (resumable) → reduce → train → report into one work folder; a stage whose input has "
        + "not changed since its last run is reused.")
final class PipelineCommand implements Callable<Integer> {
  @Option(names = "--images", required = true, paramLabel = "URI", description = "Photos (Training/ and Test/ inside).")
  String images;

  @Option(names = "--work", required = true, paramLabel = "DIR",
      description = "Work folder: features/, reduced/, model/, report.html, pipeline-summary.json.")
  String work;

  @Option(names = "--model-spec", paramLabel = "FILE", description = "Model spec (default: models/mobilenetv2.json).")
  Path modelSpec;

  @Option(names = "--variance", defaultValue = "0.80", description = "Variance kept by reduce (default: ${DEFAULT-VALUE}).")
  double variance;

  @Option(names = "--study", split = ",", paramLabel = "SIZES", description = "k-versus-sample-size study sizes, e.g. 240,2400,all.")
  List<String> study = List.of();

  @Option(names = "--per-class", paramLabel = "N", description = "Featurize at most N images per label.")
  Integer perClass;

  @Option(names = "--components", split = ",", paramLabel = "K", description = "Classifier k candidates (default: k@80,90,95%).")
  List<Integer> components = List.of();

  @Option(names = "--color-weight", split = ",", paramLabel = "W", defaultValue = TrainOptions.DEFAULT_COLOR_WEIGHTS,
      description = "Classifier colour-histogram weight candidates, 0 for none (default: ${DEFAULT-VALUE}).")
  List<Double> colorWeights;

  @Option(names = "--reg", split = ",", defaultValue = TrainOptions.DEFAULT_REG_PARAMS, description = "Classifier L2 candidates (default: ${DEFAULT-VALUE}).")
  List<Double> reg;

  @Mixin SparkMasterOption sparkMaster;

  @Option(names = "--no-progress", negatable = false, description = "Do not draw progress bars.")
  boolean noProgress;

  record PipelineSummary(Map<String, String> stages, Map<String, Double> stageSeconds, double wallSeconds,
      FeaturizeSummary featurize, ReduceSummary reduce, TrainSummary train, String report) {}

  @Override
  public Integer call() {
    long started = System.nanoTime();
    String features = HadoopFiles.child(work, "features");
    String reduced = HadoopFiles.child(work, "reduced");
    String model = HadoopFiles.child(work, "model");
    Path spec = modelSpec != null ? modelSpec : Defaults.modelSpec();
    ResolvedModel resolved = ResolvedModel.resolve(spec);
    Map<String, String> status = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    SparkSession spark = SparkSessions.create("fruits pipeline", sparkMaster.master, sparkMaster.s3.endpoint);
    try {
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      long t = System.nanoTime();
      System.err.println("fruits: [1/4] featurize");
      FeaturizeOptions featurizeOptions = FeaturizeOptions.of(images, features, spec).withSampling(null, perClass, 42)
          .withExisting(false, true).withCompaction(true);
      FeaturizeSummary featurized = new FeaturizeJob(spark, featurizeOptions, resolved, !noProgress).run();
      System.err.println("fruits: " + featurized.describe());
      status.put("featurize", featurized.imagesProcessed() == 0 ? "up to date" : "featurized " + featurized.imagesProcessed());
      seconds.put("featurize", FeaturizeJob.seconds(t));

      t = System.nanoTime();
      System.err.println("fruits: [2/4] reduce");
      String featuresPrint = HadoopFiles.fingerprint(FeatureTable.table(features), conf);
      ReduceSummary reduce = previous(HadoopFiles.child(reduced, "summary.json"), ReduceSummary.class, conf);
      if (reduce != null && featuresPrint.equals(reduce.inputFingerprint()) && reduce.variance() == variance) {
        status.put("reduce", "reused (features unchanged)");
      } else {
        reduce = new ReduceJob(spark, new ReduceOptions(features, reduced, variance, null, study, 3, true)).run();
        status.put("reduce", "ran");
      }
      System.err.println("fruits: " + reduce.describe());
      seconds.put("reduce", FeaturizeJob.seconds(t));

      t = System.nanoTime();
      System.err.println("fruits: [3/4] train");
      String reducedPrint = HadoopFiles.fingerprint(reduced, conf);
      TrainSummary train = previous(HadoopFiles.child(model, "summary.json"), TrainSummary.class, conf);
      TrainOptions trainOptions = new TrainOptions(reduced, model, components, colorWeights, reg, 3, null, 42, 200, true);
      if (train != null && reducedPrint.equals(train.inputFingerprint()) && train.searched(trainOptions)) {
        status.put("train", "reused (reduced table and candidates unchanged)");
      } else {
        train = new TrainJob(spark, trainOptions).run();
        status.put("train", "ran");
      }
      System.err.println("fruits: " + train.describe());
      seconds.put("train", FeaturizeJob.seconds(t));

      t = System.nanoTime();
      System.err.println("fruits: [4/4] report");
      Path report = Path.of(work, "report.html");
      ReportBuilder.write(ReportBuilder.RunLayout.of(Path.of(work)), report);
      seconds.put("report", FeaturizeJob.seconds(t));
      status.put("report", report.toString());

      PipelineSummary summary = new PipelineSummary(status, seconds, FeaturizeJob.seconds(started), featurized, reduce, train,
          report.toString());
      Summaries.write(HadoopFiles.child(work, "pipeline-summary.json"), summary, conf);
      System.out.printf(Locale.ROOT, "fruits: pipeline done in %.1fs: %s; Test top-1 %.2f%%; report %s%n",
          summary.wallSeconds(), status, 100 * train.testAccuracy(), report);
      return 0;
    } finally {
      spark.stop();
    }
  }

  private static <T> T previous(String uri, Class<T> type, Configuration conf) {
    if (!HadoopFiles.exists(uri, conf)) {
      return null;
    }
    try {
      return Summaries.read(uri, type, conf);
    } catch (RuntimeException e) {
      return null; // an unreadable old summary just means the stage runs again
    }
  }
}
