package com.fruits.cli;

import com.fruits.core.dataset.ImageSource;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.image.ViewPolicy;
import com.fruits.core.run.FeaturizeSummary;
import com.fruits.core.run.ReduceSummary;
import com.fruits.core.run.RunFolder;
import com.fruits.core.run.SynthesizeSummary;
import com.fruits.core.run.TrainSummary;
import com.fruits.core.synthetic.SceneRecipe;
import com.fruits.spark.FeatureTable;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.FeaturizeOptions;
import com.fruits.spark.SparkSessions;
import com.fruits.spark.ml.ReduceJob;
import com.fruits.spark.ml.ReduceOptions;
import com.fruits.spark.ml.TrainJob;
import com.fruits.spark.ml.TrainOptions;
import com.fruits.spark.synthetic.SynthesizeJob;
import com.fruits.spark.synthetic.SynthesizeOptions;
import com.fruits.storage.HadoopFiles;
import com.fruits.storage.Summaries;
import java.nio.file.Path;
import java.util.ArrayList;
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
    description = "synthesize → featurize (resumable) → reduce → train → report into one work folder; a stage whose "
        + "input has not changed since its last run is reused.")
final class PipelineCommand implements Callable<Integer> {
  @Option(names = "--images", required = true, split = ",", paramLabel = "[NAME=]URI",
      description = "Image sources (Training/, Test/, train/, val/ inside where they have splits); NAME (default: the "
          + "folder's name) selects the taxonomy's rules.")
  List<String> images;

  @Option(names = "--work", required = true, paramLabel = "DIR",
      description = "Work folder: synthetic/, features/, reduced/, model/, report.html, pipeline-summary.json.")
  String work;

  @Option(names = "--model-spec", paramLabel = "FILE", description = "Model spec (default: models/mobilenetv2.json).")
  Path modelSpec;

  @Option(names = "--taxonomy", paramLabel = "FILE", description = "Taxonomy CSV (default: catalog/taxonomy.csv).")
  Path taxonomy;

  @Option(names = "--studio", paramLabel = "SOURCE",
      description = "The studio source (white background) that synthetic scenes are made from, on the photos of no "
          + "fruit of every source; without it nothing is synthesized.")
  String studio;

  @Mixin SceneOptions scenes;

  @Option(names = "--views", paramLabel = "SOURCE=SHARE", defaultValue = DEFAULT_VIEWS,
      description = "Share of each source's Training photos featurized with every view (default: ${DEFAULT-VALUE}; "
          + "the studio source gets " + STUDIO_VIEW_SHARE + ").")
  String views;

  @Option(names = "--unseen", split = ",", paramLabel = "SOURCE",
      description = "Also measure each of these sources as never seen (a model fitted without it).")
  List<String> unseen = List.of();

  @Option(names = "--variance", defaultValue = "0.80", description = "Variance kept by reduce (default: ${DEFAULT-VALUE}).")
  double variance;

  @Option(names = "--study", split = ",", paramLabel = "SIZES", description = "k-versus-sample-size study sizes, e.g. 240,2400,all.")
  List<String> study = List.of();

  @Option(names = "--per-class", paramLabel = "N", description = "Featurize at most N images per label.")
  Integer perClass;

  @Option(names = "--reg", split = ",", defaultValue = TrainOptions.DEFAULT_REG_PARAMS,
      description = "Classifier L2 candidates (default: ${DEFAULT-VALUE}).")
  List<Double> reg;

  @Option(names = "--prior-weights", split = ",", paramLabel = "W", defaultValue = TrainOptions.DEFAULT_PRIOR_WEIGHTS,
      description = "Candidate weights of the ImageNet head's prior, 0 for none (default: ${DEFAULT-VALUE}).")
  List<Double> priorWeights;

  @Mixin SparkMasterOption sparkMaster;

  @Mixin DeviceOption device;

  @Option(names = "--no-progress", negatable = false, description = "Do not draw progress bars.")
  boolean noProgress;

  /** Real photos are few: all of them get every view; synthetic scenes are random crops already. */
  static final String DEFAULT_VIEWS = "default=1," + SynthesizeJob.SOURCE_NAME + "=0";
  /** Thousands of near-identical studio frames: a quarter of them with views teach the crops (Test 99.4 → 99.9 %). */
  static final double STUDIO_VIEW_SHARE = 0.25;

  record PipelineSummary(Map<String, String> stages, Map<String, Double> stageSeconds, double wallSeconds,
      SynthesizeSummary synthesize, FeaturizeSummary featurize, ReduceSummary reduce, TrainSummary train,
      String report) {}

  /** Whether {@code train} tried the prior weights asked for now (a table without head logits tries none). */
  private boolean samePriorWeights(TrainSummary train) {
    TrainSummary.PriorChoice prior = train.imagenetPrior();
    if (prior == null) {
      return true;
    }
    List<Double> tried = prior.search().isEmpty() ? List.of(prior.beta())
        : prior.search().stream().map(TrainSummary.PriorPoint::beta).toList();
    return tried.equals(priorWeights);
  }

  @Override
  public Integer call() {
    long started = System.nanoTime();
    List<ImageSource> sources = ImageSource.parseList(String.join(",", images));
    sources.forEach(s -> Defaults.requireLocalPath(s.uri()));
    String synthetic = HadoopFiles.child(work, RunFolder.SYNTHETIC);
    String features = HadoopFiles.child(work, RunFolder.FEATURES);
    String reduced = HadoopFiles.child(work, RunFolder.REDUCED);
    String model = HadoopFiles.child(work, RunFolder.MODEL);
    Path spec = modelSpec != null ? modelSpec : Defaults.modelSpec();
    ResolvedModel resolved = ResolvedModel.resolve(spec);
    if (studio != null && sources.stream().noneMatch(s -> s.name().equals(studio))) {
      throw new IllegalArgumentException("--studio " + studio + " is none of the --images sources "
          + sources.stream().map(ImageSource::name).toList());
    }
    boolean synthesize = studio != null && scenes.scenesPerLabel > 0;
    ViewPolicy viewPolicy = ViewPolicy.parse(views, 1);
    if (studio != null && !views.contains(studio + "=")) {
      viewPolicy = viewPolicy.with(studio, STUDIO_VIEW_SHARE);
    }
    Map<String, String> status = new LinkedHashMap<>();
    Map<String, Double> seconds = new LinkedHashMap<>();
    SparkSession spark = SparkSessions.create("fruits pipeline", sparkMaster.master, sparkMaster.s3.endpoint);
    try {
      Configuration conf = spark.sparkContext().hadoopConfiguration();
      long t = System.nanoTime();
      System.err.println("fruits: [1/5] synthesize");
      SynthesizeSummary synthesized = null;
      List<String> featurized = new ArrayList<>(images);
      if (synthesize) {
        String studioSpec = sources.stream().filter(s -> s.name().equals(studio)).findFirst().orElseThrow()
            .toString();
        SynthesizeOptions options = SynthesizeOptions.of(studioSpec, String.join(",", images), synthetic)
            .withScenes(scenes.scenesPerLabel, scenes.recipe(SceneRecipe.DEFAULT.size()), scenes.seed)
            .withTaxonomy(taxonomy);
        synthesized = previous(SynthesizeJob.summary(synthetic), SynthesizeSummary.class, conf);
        if (synthesized != null && options.sameScenes(synthesized)) {
          status.put("synthesize", "reused (same studio photos, backgrounds and recipe)");
        } else {
          synthesized = new SynthesizeJob(spark, options).run();
          status.put("synthesize", "made " + synthesized.scenes());
        }
        System.err.println("fruits: " + synthesized.describe());
        featurized.add(SynthesizeJob.SOURCE_NAME + "=" + SynthesizeJob.images(synthetic));
      } else {
        status.put("synthesize", "skipped (no --studio source)");
      }
      seconds.put("synthesize", FeaturizeJob.seconds(t));

      t = System.nanoTime();
      System.err.println("fruits: [2/5] featurize");
      FeaturizeOptions featurizeOptions = FeaturizeOptions.of(String.join(",", featurized), features, spec)
          .withTaxonomy(taxonomy, viewPolicy).withSampling(null, perClass, 42).withExisting(false, true)
          .withCompaction(true).toBuilder().device(device.device()).build();
      FeaturizeSummary featurize = new FeaturizeJob(spark, featurizeOptions, resolved, !noProgress).run();
      System.err.println("fruits: " + featurize.describe());
      status.put("featurize", featurize.imagesProcessed() == 0 ? "up to date" : "featurized " + featurize.imagesProcessed());
      seconds.put("featurize", FeaturizeJob.seconds(t));

      t = System.nanoTime();
      System.err.println("fruits: [3/5] reduce");
      String featuresPrint = HadoopFiles.fingerprint(FeatureTable.table(features), conf);
      ReduceSummary reduce = previous(HadoopFiles.child(reduced, RunFolder.SUMMARY), ReduceSummary.class, conf);
      if (reduce != null && featuresPrint.equals(reduce.inputFingerprint()) && reduce.variance() == variance) {
        status.put("reduce", "reused (features unchanged)");
      } else {
        reduce = new ReduceJob(spark, new ReduceOptions(features, reduced, variance, null, study, 3, true)).run();
        status.put("reduce", "ran");
      }
      System.err.println("fruits: " + reduce.describe());
      seconds.put("reduce", FeaturizeJob.seconds(t));

      t = System.nanoTime();
      System.err.println("fruits: [4/5] train");
      TrainSummary train = previous(HadoopFiles.child(model, RunFolder.SUMMARY), TrainSummary.class, conf);
      TrainOptions trainOptions = TrainOptions.of(features, model).withSearch(reg, 100)
          .withUnseen(unseen, synthesize ? synthetic : null).withPriorWeights(priorWeights).withOverwrite(true);
      if (train != null && featuresPrint.equals(train.inputFingerprint()) && reg.contains(train.regParam())
          && train.unseen().keySet().equals(new java.util.HashSet<>(unseen)) && samePriorWeights(train)) {
        status.put("train", "reused (features and options unchanged)");
      } else {
        train = new TrainJob(spark, trainOptions).run();
        status.put("train", "ran");
      }
      System.err.println("fruits: " + train.describe());
      seconds.put("train", FeaturizeJob.seconds(t));

      t = System.nanoTime();
      System.err.println("fruits: [5/5] report");
      String report = RunFolderReport.write(work, null, conf);
      seconds.put("report", FeaturizeJob.seconds(t));
      status.put("report", report);

      PipelineSummary summary = new PipelineSummary(status, seconds, FeaturizeJob.seconds(started), synthesized, featurize,
          reduce, train, report);
      Summaries.write(HadoopFiles.child(work, RunFolder.PIPELINE_SUMMARY), summary, conf);
      System.out.printf(Locale.ROOT, "fruits: pipeline done in %.1fs: %s; report %s%n", summary.wallSeconds(), status,
          report);
      System.out.println("fruits: " + train.describe());
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
