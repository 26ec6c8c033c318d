package com.fruits.spark.pipeline;

import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.progress.JobProgress;
import com.fruits.core.run.FeaturizeSummary;
import com.fruits.core.run.PipelineSummary;
import com.fruits.core.run.ReduceSummary;
import com.fruits.core.run.RunFolder;
import com.fruits.core.run.StageProvenance;
import com.fruits.core.run.SynthesizeSummary;
import com.fruits.core.run.TrainSummary;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.SparkJob;
import com.fruits.spark.ml.ReduceJob;
import com.fruits.spark.ml.TrainJob;
import com.fruits.spark.ml.TrainOptions;
import com.fruits.spark.synthetic.SynthesizeJob;
import com.fruits.storage.HadoopFiles;
import com.fruits.storage.Summaries;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * synthesize → featurize → reduce → train → report into one run folder, reusing a stage whose inputs and options
 * have not changed since its last run there (its summary says what they were). Featurize always runs, resuming:
 * it adds only the photos its table lacks.
 */
public final class PipelineJob extends SparkJob<PipelineOptions, PipelineSummary> {
  /** Writes the run folder's HTML report and says where it is (the report module is not the Spark module's). */
  @FunctionalInterface
  public interface ReportStep {
    String write(String work, Configuration conf);
  }

  private static final int STAGES = 5;

  private final ResolvedModel model;
  private final ReportStep report;
  private final boolean showProgress;
  private final Map<String, String> status = new LinkedHashMap<>();
  private final Map<String, Double> seconds = new LinkedHashMap<>();

  /** {@code showProgress}: featurize's progress bar; {@code progress}: where each stage's notes go. */
  public PipelineJob(SparkSession spark, PipelineOptions options, ResolvedModel model, ReportStep report,
      boolean showProgress, JobProgress progress) {
    super(spark, options, progress);
    this.model = model;
    this.report = report;
    this.showProgress = showProgress;
  }

  @Override
  public PipelineSummary run() {
    long started = System.nanoTime();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    SynthesizeSummary synthesized = stage(1, "synthesize", () -> synthesize(conf));
    FeaturizeSummary featurized = stage(2, "featurize", this::featurize);
    String featuresPrint = HadoopFiles.fingerprint(HadoopFiles.child(options.featurize().out(), RunFolder.TABLE), conf);
    ReduceSummary reduced = stage(3, "reduce", () -> reduce(featuresPrint, conf));
    TrainSummary trained = stage(4, "train", () -> train(featuresPrint, conf));
    String page = stage(5, "report", () -> report.write(options.work(), conf));
    status.put("report", page);
    PipelineSummary summary = new PipelineSummary(status, seconds, FeaturizeJob.seconds(started), synthesized,
        featurized, reduced, trained, page);
    Summaries.write(HadoopFiles.child(options.work(), RunFolder.PIPELINE_SUMMARY), summary, conf);
    return summary;
  }

  private <T> T stage(int number, String name, Supplier<T> body) {
    progress.note("[" + number + "/" + STAGES + "] " + name);
    long t = System.nanoTime();
    T result = body.get();
    seconds.put(name, FeaturizeJob.seconds(t));
    return result;
  }

  private SynthesizeSummary synthesize(Configuration conf) {
    if (options.synthesize() == null) {
      status.put("synthesize", "skipped (no studio source)");
      return null;
    }
    SynthesizeSummary summary = previous(HadoopFiles.child(options.synthesize().out(), RunFolder.SUMMARY),
        SynthesizeSummary.class, conf);
    if (summary != null && options.synthesize().sameScenes(summary)) {
      status.put("synthesize", "reused (same studio photos, backgrounds and recipe)");
    } else {
      summary = new SynthesizeJob(spark, options.synthesize()).run();
      status.put("synthesize", "made " + summary.scenes());
    }
    progress.note(summary.describe());
    return summary;
  }

  private FeaturizeSummary featurize() {
    FeaturizeSummary summary = new FeaturizeJob(spark, options.featurize(), model, showProgress, progress).run();
    progress.note(summary.describe());
    status.put("featurize", summary.imagesProcessed() == 0 ? "up to date"
        : "featurized " + summary.imagesProcessed());
    return summary;
  }

  private ReduceSummary reduce(String featuresPrint, Configuration conf) {
    ReduceSummary summary = previous(HadoopFiles.child(options.reduce().out(), RunFolder.SUMMARY),
        ReduceSummary.class, conf);
    if (summary != null && readSame(summary.provenance(), featuresPrint)
        && summary.variance() == options.reduce().variance()) {
      status.put("reduce", "reused (features unchanged)");
    } else {
      summary = new ReduceJob(spark, options.reduce(), progress).run();
      status.put("reduce", "ran");
    }
    progress.note(summary.describe());
    return summary;
  }

  /** Whether a previous run read the feature table as it is now (a summary older than provenance: no). */
  private static boolean readSame(StageProvenance provenance, String featuresPrint) {
    return provenance != null && featuresPrint.equals(provenance.inputFingerprint());
  }

  private TrainSummary train(String featuresPrint, Configuration conf) {
    TrainSummary summary = previous(HadoopFiles.child(options.train().out(), RunFolder.SUMMARY), TrainSummary.class,
        conf);
    if (summary != null && readSame(summary.provenance(), featuresPrint) && sameTraining(options.train(), summary)) {
      status.put("train", "reused (features and options unchanged)");
    } else {
      summary = new TrainJob(spark, options.train(), progress).run();
      status.put("train", "ran");
    }
    progress.note(summary.describe());
    return summary;
  }

  /**
   * Whether {@code train} was fitted with a regularization, iteration cap, unseen sources, prior weights and head veto
   * {@code asked} for now (a summary from before the cap was recorded reads 0: fitted again).
   */
  static boolean sameTraining(TrainOptions asked, TrainSummary train) {
    return asked.regParams().contains(train.regParam()) && train.maxIter() == asked.maxIter()
        && train.unseen().keySet().equals(new HashSet<>(asked.unseenSources())) && samePrior(asked, train);
  }

  /**
   * Whether {@code train} tried the prior weights and fitted the head veto asked for now (a table without head logits
   * has neither; a summary from before the veto has none).
   */
  private static boolean samePrior(TrainOptions asked, TrainSummary train) {
    TrainSummary.PriorChoice prior = train.imagenetPrior();
    if (prior == null) {
      return true;
    }
    List<Double> tried = prior.search().isEmpty() ? List.of(prior.beta())
        : prior.search().stream().map(TrainSummary.PriorPoint::beta).toList();
    double vetoQuantile = prior.headVeto() == null ? 0 : prior.headVeto().quantile();
    return tried.equals(asked.priorWeights()) && vetoQuantile == asked.headVetoQuantile();
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
