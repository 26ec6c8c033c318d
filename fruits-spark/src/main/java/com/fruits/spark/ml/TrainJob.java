package com.fruits.spark.ml;

import static com.fruits.spark.StageTimes.timed;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;

import com.fruits.core.FruitsException;
import com.fruits.core.dataset.ImageLocation;
import com.fruits.core.dataset.ImageSource;
import com.fruits.core.image.ImageViews;
import com.fruits.core.progress.JobProgress;
import com.fruits.core.run.RunFolder;
import com.fruits.core.run.StageProvenance;
import com.fruits.core.run.SynthesizeSummary;
import com.fruits.core.run.TrainSummary;
import com.fruits.core.serving.BundleContents;
import com.fruits.core.serving.ConfidenceCalibration;
import com.fruits.core.serving.HeadVeto;
import com.fruits.core.serving.ImageNetPrior;
import com.fruits.core.serving.SpeciesAnswers;
import com.fruits.core.taxonomy.Taxon;
import com.fruits.core.taxonomy.Taxonomy;
import com.fruits.spark.FeatureTable;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.SparkJob;
import com.fruits.spark.synthetic.SynthesizeJob;
import com.fruits.storage.HadoopFiles;
import com.fruits.storage.Summaries;
import java.io.IOException;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * The fruit classifier for real photos: a class-weighted multinomial logistic regression on the standardized CNN
 * features, over {@link Taxon#label labels} (species, or species/variety, and not-a-fruit), trained on every source
 * at once. Real photos featurized with {@link ImageViews views} count once per view (the closer crops teach the
 * model most where real photos are few); photos are scored as the app answers them, from the mean of their views,
 * through {@link SpeciesAnswers} (species first, the variety when sure, "not a fruit I know" below the threshold).
 *
 * <p>The held-out real photos (the Validation split) choose the regularization and fit the confidence threshold.
 * For each {@linkplain TrainOptions#unseenSources unseen source} a second model is fitted without that source (and
 * without the synthetic scenes drawn on its backgrounds, or without any scene when it is the studio the scenes were cut
 * from) and scored on all its photos: how the app does on photos from somewhere it has never seen.
 *
 * <pre>
 * &lt;out&gt;/spark-model/      PipelineModel: StandardScaler, LogisticRegression
 * &lt;out&gt;/bundle/           the serving bundle (bundle.json, bundle.bin, calibration.json)
 * &lt;out&gt;/predictions.csv   every scored photo: where it is from, the truth and the answer
 * &lt;out&gt;/summary.json
 * </pre>
 */
public final class TrainJob extends SparkJob<TrainOptions, TrainSummary> {
  public static final String LABEL_INDEX = "label_index";
  public static final String WEIGHT = "weight";
  public static final String SAMPLE = "sample";
  public static final String SCALED = "scaled";
  public static final String PROBABILITY = "probability";
  /** What a scored photo was scored as: held out of the model's training, Test split, or an unseen source's. */
  static final String HELD_OUT = "held-out";
  static final String TEST = "test";
  static final String UNSEEN = "unseen";

  /** The training photos on the driver, collected at the first fit there and kept for the others. */
  private DriverSamples collected;

  /** {@code progress}: where the job's notes go ({@link JobProgress#STDERR} on the command line). */
  public TrainJob(SparkSession spark, TrainOptions options, JobProgress progress) {
    super(spark, options, progress);
  }

  /** A model fitted without one source, its training photos, and its scoring of that source's photos. */
  record UnseenRun(List<String> labels, Dataset<Row> training, List<Scored> scored) {}

  /**
   * A photo's scoring: its provenance, its truth, the label probabilities of a model and the ImageNet head's logits
   * (null: the table has none), both from the mean of its views, and the species the head doubts ({@link HeadVeto}).
   */
  record Scored(String path, String source, String split, String species, String variety, double[] probabilities,
      float[] head, Set<String> doubted) {}

  /** The ImageNet prior the answers use (null: none) and how it was chosen. */
  private record PriorFit(ImageNetPrior prior, TrainSummary.PriorChoice choice) {}

  @Override
  public TrainSummary run() {
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Map<String, Double> stages = new LinkedHashMap<>();
    HadoopFiles.prepareOutput(options.out(), options.overwrite(), false, null, conf);
    String blas = SparkBlas.implementation();
    if (!TrainSummary.isNativeBlas(blas)) {
      progress.note("training runs on netlib's Java BLAS (" + blas + "): no native BLAS loaded; with one (Debian: "
          + "libopenblas0) each training iteration runs about twice as fast (docs/benchmarks.md)");
    }
    Inputs in = timed(stages, "load", () -> load(conf));
    Fitted fitted = timed(stages, "fit", () -> fitBest(in));
    List<Scored> heldOut = timed(stages, "evaluate", () -> score(in.validation(), fitted.scaler(), fitted.model()));
    List<Scored> test = timed(stages, "evaluate", () -> score(in.test(), fitted.scaler(), fitted.model()));
    Map<String, UnseenRun> unseen = timed(stages, "unseen", () -> unseenRuns(in, fitted.reg()));
    Answers answers = timed(stages, "answers", () -> answer(in, heldOut, test, unseen));
    timed(stages, "export", () -> export(in, fitted, answers, startedAt, conf));
    collected = null;
    in.labelled().unpersist();

    StageProvenance provenance = new StageProvenance("train", startedAt.toString(), options.features(),
        options.out(), in.fingerprint(), in.specHash());
    TrainSummary summary = new TrainSummary(provenance, in.taxonomyVersion(), answers.labels(),
        answers.answers().species(), in.trainingPhotos(), in.sampleCount(), in.photosBySource(), fitted.search(),
        fitted.reg(), options.maxIter(), answers.threshold(), answers.calibration().split(), options.targetPrecision(),
        options.varietyConfidence(), answers.heldOutScores(), answers.testScores(), answers.unseenScores(),
        answers.priorFit().choice(), blas, stages, FeaturizeJob.seconds(started));
    Summaries.write(HadoopFiles.child(options.out(), RunFolder.SUMMARY), summary, conf);
    return summary;
  }

  /**
   * What train reads: the labelled photos by split, the labels, how many training samples (views) they hold,
   * provenance.
   */
  private record Inputs(Dataset<Row> labelled, Dataset<Row> training, Dataset<Row> validation, Dataset<Row> test,
      List<String> labels, Map<String, Long> photosBySource, long trainingPhotos, long sampleCount, int dimension,
      String fingerprint, String specHash, Taxonomy taxonomy) {
    String taxonomyVersion() {
      return taxonomy == null ? "unknown" : taxonomy.version();
    }
  }

  private Inputs load(Configuration conf) {
    Dataset<Row> table = FeatureVectors.table(spark, options.features());
    String taxonomyFile = HadoopFiles.child(options.features(), RunFolder.TAXONOMY);
    Taxonomy taxonomy = HadoopFiles.exists(taxonomyFile, conf)
        ? Taxonomy.parse(HadoopFiles.readString(taxonomyFile, conf), taxonomyFile) : null;
    requireSourceColumns(table);
    Dataset<Row> labelled = table.where(col(FeatureTable.FEATURES).isNotNull().and(col(FeatureTable.LABEL).isNotNull()))
        .select(FeatureTable.PATH, FeatureTable.LABEL, FeatureTable.SOURCE, FeatureTable.SPLIT, FeatureTable.SPECIES,
            FeatureTable.VARIETY, FeatureTable.FEATURES, FeatureTable.VIEW_FEATURES, FeatureTable.HEAD_LOGITS)
        .cache();
    Dataset<Row> training = labelled.where(col(FeatureTable.SPLIT).equalTo(ImageLocation.TRAINING));
    List<String> labels = labelsOf(training);
    if (labels.size() < 2) {
      throw new FruitsException("the Training split has " + labels.size() + " label(s); a classifier needs at least 2");
    }
    Map<String, Long> photosBySource = new TreeMap<>();
    training.groupBy(FeatureTable.SOURCE).count().collectAsList()
        .forEach(r -> photosBySource.put(r.getString(0), r.getLong(1)));
    requireUnseenSources(photosBySource.keySet(), conf);
    long trainingPhotos = photosBySource.values().stream().mapToLong(Long::longValue).sum();
    long sampleCount = samplesByLabel(training).values().stream().mapToLong(Long::longValue).sum();
    int dimension = training.select(size(col(FeatureTable.FEATURES))).as(Encoders.INT()).first();
    return new Inputs(labelled, training, labelled.where(col(FeatureTable.SPLIT).equalTo(ImageLocation.VALIDATION)),
        labelled.where(col(FeatureTable.SPLIT).equalTo(ImageLocation.TEST)), labels, photosBySource, trainingPhotos,
        sampleCount, dimension, HadoopFiles.fingerprint(HadoopFiles.child(options.features(), RunFolder.TABLE), conf),
        FeatureVectors.specHash(table), taxonomy);
  }

  /**
   * Each unseen source has Training photos in the table, and where the table holds synthetic scenes, their synthesize
   * output is named: the scenes drawn on an unseen source's backgrounds must leave its fit too, or they would teach
   * it the shops it is meant never to have seen.
   */
  private void requireUnseenSources(Set<String> sources, Configuration conf) {
    if (options.unseenSources().isEmpty()) {
      return;
    }
    options.unseenSources().stream().filter(source -> !sources.contains(source)).findFirst().ifPresent(source -> {
      throw new IllegalArgumentException("--unseen " + source + ": the table has no Training photos of that source "
          + "(its sources: " + sources + ")");
    });
    if (options.scenes() == null && sources.contains(SynthesizeJob.SOURCE_NAME)) {
      throw new IllegalArgumentException("--unseen needs --scenes (the synthesize output): the table holds synthetic "
          + "scenes, and those drawn on an unseen source's backgrounds must be left out of its fit");
    }
    if (options.scenes() != null && !HadoopFiles.exists(HadoopFiles.child(options.scenes(), RunFolder.SCENES), conf)) {
      throw new IllegalArgumentException("--scenes " + options.scenes() + " is no synthesize output (it has no "
          + RunFolder.SCENES + ")");
    }
  }

  /** The regularization search's outcome: the scaler, the chosen model and weight, every point tried. */
  private record Fitted(StandardScalerModel scaler, LogisticRegressionModel model, double reg,
      List<TrainSummary.RegPoint> search) {}

  /** Fits a model per regularization weight and keeps the best on the held-out photos (else on Test). */
  private Fitted fitBest(Inputs in) {
    List<TrainSummary.RegPoint> search = new ArrayList<>();
    LogisticRegressionModel best = null;
    double bestAccuracy = -1;
    double bestReg = options.regParams().get(0);
    boolean hasValidation = !in.validation().isEmpty();
    Dataset<Row> chooser = hasValidation ? in.validation() : in.test();
    String chooserName = hasValidation ? ImageLocation.VALIDATION : ImageLocation.TEST;
    try (Solver solver = solver(in, in.training(), photo -> true, in.labels())) {
      StandardScalerModel scaler = solver.scaler();
      for (double reg : options.regParams()) {
        LogisticRegressionModel model = solver.fit(reg);
        if (options.regParams().size() == 1) {
          return new Fitted(scaler, model, reg, search);
        }
        double accuracy = speciesAccuracy(score(chooser, scaler, model), in.labels());
        search.add(new TrainSummary.RegPoint(reg, accuracy, chooserName));
        progress.note(String.format(Locale.ROOT, "reg=%g: species top-1 %.4f on the %s split", reg, accuracy,
            chooserName));
        if (accuracy > bestAccuracy) {
          bestAccuracy = accuracy;
          best = model;
          bestReg = reg;
        }
      }
      return new Fitted(scaler, best, bestReg, search);
    }
  }

  /** Per unseen source: a model fitted without it (nor scenes that show it), scored on all its photos. */
  private Map<String, UnseenRun> unseenRuns(Inputs in, double reg) {
    Map<String, UnseenRun> unseenRuns = new LinkedHashMap<>();
    for (String source : options.unseenSources()) {
      Set<String> scenesOfIt = scenesFrom(spark, options.scenes(), source);
      Dataset<Row> without = in.training().where(col(FeatureTable.SOURCE).notEqual(source));
      if (!scenesOfIt.isEmpty()) {
        without = without.where(not(SynthesizeJob.sceneName(col(FeatureTable.PATH)).isin(scenesOfIt.toArray())));
      }
      Predicate<DriverSamples.Photo> keep = photo -> !photo.source().equals(source)
          && !scenesOfIt.contains(SynthesizeJob.sceneName(photo.path()));
      List<String> unseenLabels = labelsOf(without);
      StandardScalerModel unseenScaler;
      LogisticRegressionModel model;
      try (Solver solver = solver(in, without, keep, unseenLabels)) {
        unseenScaler = solver.scaler();
        model = solver.fit(reg);
      }
      List<Scored> scored = score(in.labelled().where(col(FeatureTable.SOURCE).equalTo(source)), unseenScaler, model);
      unseenRuns.put(source, new UnseenRun(unseenLabels, without, scored));
    }
    return unseenRuns;
  }

  /** The photos as the app answers them (the prior weighed in), the calibrated threshold and the scores at it. */
  private record Answers(List<Scored> heldOut, List<Scored> test, Map<String, UnseenRun> unseen, PriorFit priorFit,
      List<String> labels, SpeciesAnswers answers, ConfidenceCalibration calibration,
      Map<String, TrainSummary.Scores> heldOutScores, Map<String, TrainSummary.Scores> testScores,
      Map<String, TrainSummary.Scores> unseenScores) {
    double threshold() {
      return calibration.threshold();
    }
  }

  private Answers answer(Inputs in, List<Scored> heldOut, List<Scored> test, Map<String, UnseenRun> unseen) {
    PriorFit chosen = choosePrior(in.labels(), in.taxonomy(), heldOut, test, unseen);
    ImageNetPrior prior = chosen.prior() == null ? null
        : chosen.prior().withVeto(headVeto(in.training(), chosen.prior()));
    PriorFit priorFit = prior == null ? chosen : new PriorFit(prior, chosen.choice().withVeto(prior.veto()));
    if (prior != null) {
      heldOut = withPrior(heldOut, prior);
      test = withPrior(test, prior);
      Map<String, UnseenRun> weighed = new LinkedHashMap<>();
      unseen.forEach((source, run) -> {
        ImageNetPrior its = new ImageNetPrior(run.labels(), prior.map(), prior.beta(), headVeto(run.training(), prior));
        weighed.put(source, new UnseenRun(its.labels(), run.training(), withPrior(run.scored(), its)));
      });
      unseen = weighed;
    }
    List<String> labels = prior == null ? in.labels() : prior.labels();
    SpeciesAnswers answers = new SpeciesAnswers(labels);
    ConfidenceCalibration calibration = calibrate(heldOut.isEmpty() ? test : heldOut, answers,
        heldOut.isEmpty() ? ImageLocation.TEST : ImageLocation.VALIDATION);
    double threshold = calibration.threshold();
    Map<String, TrainSummary.Scores> unseenScores = new LinkedHashMap<>();
    unseen.forEach((source, run) -> {
      unseenScores.put(source, scores(run.scored(), new SpeciesAnswers(run.labels()), threshold));
      progress.note("unseen " + source + ": " + unseenScores.get(source));
    });
    return new Answers(heldOut, test, unseen, priorFit, labels, answers, calibration,
        scoresBySource(heldOut, answers, threshold), scoresBySource(test, answers, threshold), unseenScores);
  }

  /** Writes the Spark model, the serving bundle with its calibration, and the predictions. */
  private void export(Inputs in, Fitted fitted, Answers answers, Instant startedAt, Configuration conf) {
    String out = options.out();
    PipelineModel classifier = new PipelineModel("fruits-classifier",
        new org.apache.spark.ml.Transformer[] {fitted.scaler(), fitted.model()});
    try {
      classifier.write().overwrite().save(HadoopFiles.child(out, RunFolder.SPARK_MODEL));
    } catch (IOException e) {
      throw new FruitsException("cannot save the model to " + out + ": " + e.getMessage());
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("trainedAt", startedAt.toString());
    metadata.put("regParam", fitted.reg());
    metadata.put("trainingPhotos", in.trainingPhotos());
    metadata.put("trainingSamples", in.sampleCount());
    metadata.put("taxonomyVersion", in.taxonomyVersion());
    metadata.put("views", ImageViews.COUNT);
    metadata.put("varietyConfidence", options.varietyConfidence());
    String spec = HadoopFiles.readString(HadoopFiles.child(options.features(), RunFolder.MODEL_SPEC), conf);
    BundleContents contents = BundleExport.from(classifier, in.labels(), spec, in.specHash(), metadata,
        answers.priorFit().prior());
    String bundleDir = HadoopFiles.child(out, RunFolder.BUNDLE);
    String version = BundleExport.write(contents, bundleDir, conf);
    ConfidenceCalibration c = answers.calibration();
    ConfidenceCalibration stored = new ConfidenceCalibration(c.threshold(), c.targetPrecision(), c.floor(), c.split(),
        c.photos(), c.accuracy(), c.coverage(), c.answeredAccuracy(), version);
    HadoopFiles.writeString(HadoopFiles.child(bundleDir, ConfidenceCalibration.FILE), stored.json(), conf);
    writePredictions(answers.heldOut(), answers.test(), answers.unseen(), answers.answers(), answers.threshold(), conf);
  }

  private static void requireSourceColumns(Dataset<Row> table) {
    FeatureTable.requireColumns(table, "the feature table", "featurize again with --overwrite", FeatureTable.SOURCE,
        FeatureTable.SPECIES, FeatureTable.VIEW_FEATURES, FeatureTable.HEAD_LOGITS);
  }

  /** The labels of {@code photos}, sorted: the classifier's classes in index order. */
  private static List<String> labelsOf(Dataset<Row> photos) {
    return photos.select(FeatureTable.LABEL).distinct().orderBy(FeatureTable.LABEL).as(Encoders.STRING())
        .collectAsList();
  }

  /** The standardized samples of some training photos, and fits on them at one L2 strength after another. */
  private interface Solver extends AutoCloseable {
    /** What standardized the samples; the model to serve puts it before the classifier. */
    StandardScalerModel scaler();

    LogisticRegressionModel fit(double reg);

    @Override
    void close();
  }

  /**
   * The solver for the training photos {@code photos}, which are those of {@code in.training()} that {@code keep}
   * accepts, over {@code labels}: on the driver (the same loss and L-BFGS as Spark ML's, without a Spark job per
   * iteration) or Spark ML's distributed fit, as {@link TrainOptions#fitOn} says.
   */
  private Solver solver(Inputs in, Dataset<Row> photos, Predicate<DriverSamples.Photo> keep, List<String> labels) {
    boolean onDriver = switch (options.fitOn()) {
      case DRIVER -> true;
      case SPARK -> false;
      case AUTO -> DriverSoftmaxRegression.fitsDriver(in.sampleCount(), in.dimension());
    };
    return onDriver ? driverSolver(in.training(), keep, labels) : sparkSolver(photos, labels);
  }

  private Solver driverSolver(Dataset<Row> training, Predicate<DriverSamples.Photo> keep, List<String> labels) {
    if (collected == null) {
      long started = System.nanoTime();
      spark.sparkContext().setJobDescription("fruits train: training samples to the driver");
      try {
        collected = DriverSamples.collect(training);
      } finally {
        spark.sparkContext().setJobDescription(null);
      }
      progress.note(String.format(Locale.ROOT, "%d training samples collected to the driver in %.1fs",
          collected.rows(), FeaturizeJob.seconds(started)));
    }
    DriverSamples.Standardized standardized = collected.standardized(keep, labels, SAMPLE, SCALED);
    int threads = Runtime.getRuntime().availableProcessors();
    DriverSoftmaxRegression driver = new DriverSoftmaxRegression(options.maxIter(), threads);
    return new Solver() {
      @Override
      public StandardScalerModel scaler() {
        return standardized.scaler();
      }

      @Override
      public LogisticRegressionModel fit(double reg) {
        long fitStarted = System.nanoTime();
        DriverSoftmaxRegression.Fit fit = driver.fit(standardized.samples(), reg);
        progress.note(String.format(Locale.ROOT, "reg=%g: %d L-BFGS iterations (%d passes over the samples) on the "
            + "driver's %d cores in %.1fs", reg, fit.iterations(), fit.evaluations(), threads,
            FeaturizeJob.seconds(fitStarted)));
        return fit.model();
      }

      @Override
      public void close() {}
    };
  }

  private Solver sparkSolver(Dataset<Row> photos, List<String> labels) {
    Dataset<Row> samples = samples(photos, labels).cache();
    StandardScalerModel scaler = new StandardScaler().setInputCol(SAMPLE).setOutputCol(SCALED).setWithMean(true)
        .setWithStd(true).fit(samples);
    // every L-BFGS iteration of Spark ML's fit reads them
    Dataset<Row> cached = scaler.transform(samples).select(SCALED, LABEL_INDEX, WEIGHT).cache();
    return new Solver() {
      @Override
      public StandardScalerModel scaler() {
        return scaler;
      }

      @Override
      public LogisticRegressionModel fit(double reg) {
        spark.sparkContext().setJobDescription("fruits train: logistic regression, reg=" + reg);
        try {
          return new LogisticRegression().setFeaturesCol(SCALED).setLabelCol(LABEL_INDEX).setWeightCol(WEIGHT)
              .setFamily("multinomial").setMaxIter(options.maxIter()).setRegParam(reg).setElasticNetParam(0.0)
              // the inputs are standardized already
              .setStandardization(false).fit(cached);
        } finally {
          spark.sparkContext().setJobDescription(null);
        }
      }

      @Override
      public void close() {
        cached.unpersist();
        samples.unpersist();
      }
    };
  }

  static final StructType SAMPLE_SCHEMA = new StructType()
      .add(SAMPLE, SQLDataTypes.VectorType(), false)
      .add(LABEL_INDEX, DataTypes.DoubleType, false)
      .add(WEIGHT, DataTypes.DoubleType, false);

  /**
   * The training vectors of {@code photos}: one per view of a photo with views, else its features; each weighted
   * by {@link DriverSamples#classWeight}, so every label counts as much in the loss however many photos it has.
   */
  private Dataset<Row> samples(Dataset<Row> photos, List<String> labels) {
    Map<String, Long> counts = samplesByLabel(photos);
    long total = counts.values().stream().mapToLong(Long::longValue).sum();
    Map<String, double[]> indexAndWeight = new HashMap<>();
    for (int i = 0; i < labels.size(); i++) {
      long n = counts.getOrDefault(labels.get(i), 0L);
      indexAndWeight.put(labels.get(i), new double[] {i, DriverSamples.classWeight(total, labels.size(), n)});
    }
    return LabelledPhoto.of(photos).flatMap(new ExpandViews(indexAndWeight), Encoders.row(SAMPLE_SCHEMA));
  }

  /** How many training samples (views, or else the photo) the photos of each label hold. */
  private static Map<String, Long> samplesByLabel(Dataset<Row> photos) {
    Map<String, Long> counts = new HashMap<>();
    for (Row r : photos.selectExpr(FeatureTable.LABEL,
        "IF(" + FeatureTable.VIEW_FEATURES + " IS NULL, 1, size(" + FeatureTable.VIEW_FEATURES + ") DIV size("
            + FeatureTable.FEATURES + "))").groupBy(FeatureTable.LABEL).sum().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    return counts;
  }

  /** A photo's training samples: each view's vector (the view features are laid one view after the other). */
  static final class ExpandViews implements FlatMapFunction<LabelledPhoto, Row>, Serializable {
    private static final long serialVersionUID = 1L;
    private final Map<String, double[]> indexAndWeight;

    ExpandViews(Map<String, double[]> indexAndWeight) {
      this.indexAndWeight = new HashMap<>(indexAndWeight);
    }

    @Override
    public Iterator<Row> call(LabelledPhoto photo) {
      double[] iw = indexAndWeight.get(photo.getLabel());
      List<Row> out = new ArrayList<>();
      if (iw == null) {
        return out.iterator();
      }
      int d = photo.getFeatures().length;
      float[] samples = photo.samples();
      for (int v = 0; v + d <= samples.length; v += d) {
        out.add(RowFactory.create(vector(samples, v, d), iw[0], iw[1]));
      }
      return out.iterator();
    }
  }

  private static Vector vector(float[] values, int from, int d) {
    double[] x = new double[d];
    for (int i = 0; i < d; i++) {
      x[i] = values[from + i];
    }
    return Vectors.dense(x);
  }

  static final StructType ANSWER_SCHEMA = new StructType()
      .add(FeatureTable.PATH, DataTypes.StringType, false)
      .add(FeatureTable.SOURCE, DataTypes.StringType, false)
      .add(FeatureTable.SPLIT, DataTypes.StringType, true)
      .add(FeatureTable.SPECIES, DataTypes.StringType, true)
      .add(FeatureTable.VARIETY, DataTypes.StringType, true)
      .add(SAMPLE, SQLDataTypes.VectorType(), false)
      .add(FeatureTable.HEAD_LOGITS, SQLDataTypes.VectorType(), true);

  /** The label probabilities of each photo of {@code photos}, from the mean of its views' features as the app does. */
  private List<Scored> score(Dataset<Row> photos, StandardScalerModel scaler, LogisticRegressionModel model) {
    Dataset<Row> vectors = LabelledPhoto.of(photos)
        .map((MapFunction<LabelledPhoto, Row>) TrainJob::meanOfViews, Encoders.row(ANSWER_SCHEMA));
    Dataset<Row> probabilities = model.setFeaturesCol(SCALED).transform(scaler.transform(vectors))
        .select(FeatureTable.PATH, FeatureTable.SOURCE, FeatureTable.SPLIT, FeatureTable.SPECIES, FeatureTable.VARIETY,
            PROBABILITY, FeatureTable.HEAD_LOGITS);
    List<Scored> scored = new ArrayList<>();
    for (Row r : probabilities.collectAsList()) {
      scored.add(new Scored(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4),
          ((Vector) r.get(5)).toArray(), r.isNullAt(6) ? null : floats(((Vector) r.get(6)).toArray()), Set.of()));
    }
    return scored;
  }

  /** A photo as the app answers it: the mean of its views' features ({@link ImageViews#mean}), else its features. */
  private static Row meanOfViews(LabelledPhoto photo) {
    float[] features = photo.getFeatures();
    float[] answered = photo.getViews() == null ? features : ImageViews.mean(photo.getViews(), features.length);
    return RowFactory.create(photo.getPath(), photo.getSource(), photo.getSplit(), photo.getSpecies(),
        photo.getVariety(), vector(answered, 0, answered.length),
        photo.getLogits() == null ? null : vector(photo.getLogits(), 0, photo.getLogits().length));
  }

  private static float[] floats(double[] values) {
    float[] x = new float[values.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) values[i];
    }
    return x;
  }

  /**
   * The ImageNet prior's weight. Each candidate is scored as the share of photos whose species (or not-a-fruit) is
   * right on the unseen sources' photos (each with its own model's labels), the held-out photos and Test. A weight is
   * admissible when it costs the held-out photos and Test at most {@link #PRIOR_TOLERANCE} of that share against no
   * prior (the studio Test must not pay for photos from elsewhere); the admissible weight best on the unseen sources
   * (else on the held-out photos) wins, the smaller on a tie. No prior when the table has no head logits, or when the
   * labels are not species of the taxonomy (photos labelled by their folders, {@code Apple Red 1}: the map's species
   * would be other classes beside them).
   */
  private PriorFit choosePrior(List<String> labels, Taxonomy taxonomy, List<Scored> heldOut, List<Scored> test,
      Map<String, UnseenRun> unseen) {
    List<Scored> all = new ArrayList<>(heldOut);
    all.addAll(test);
    unseen.values().forEach(run -> all.addAll(run.scored()));
    if (all.isEmpty() || all.stream().anyMatch(s -> s.head() == null)) {
      return new PriorFit(null, null);
    }
    Set<String> known = new HashSet<>(taxonomy == null ? List.of() : taxonomy.fruitSpecies());
    known.add(Taxon.NOT_A_FRUIT_SPECIES);
    List<String> foreign = labels.stream().map(l -> Taxon.ofLabel(l).species()).filter(s -> !known.contains(s))
        .distinct().toList();
    if (!foreign.isEmpty()) {
      progress.note("no ImageNet prior: " + foreign.size() + " label(s) are not species of the taxonomy, "
          + "e.g. '" + foreign.get(0) + "'");
      return new PriorFit(null, null);
    }
    String[] map = ImageNetPrior.bundledMap();
    List<Double> weights = options.priorWeights();
    if (weights.size() == 1) {
      ImageNetPrior prior = new ImageNetPrior(labels, map, weights.get(0));
      return new PriorFit(prior, new TrainSummary.PriorChoice(weights.get(0), "only candidate", List.of(),
          prior.zeroShot()));
    }
    String chosenOn = !unseen.isEmpty() ? UNSEEN : !heldOut.isEmpty() ? ImageLocation.VALIDATION : ImageLocation.TEST;
    ToDoubleFunction<TrainSummary.PriorPoint> score = !unseen.isEmpty() ? TrainSummary.PriorPoint::unseen
        : !heldOut.isEmpty() ? TrainSummary.PriorPoint::heldOut : TrainSummary.PriorPoint::test;
    TrainSummary.PriorPoint none = priorPoint(0, labels, map, heldOut, test, unseen, null);
    List<TrainSummary.PriorPoint> search = new ArrayList<>();
    TrainSummary.PriorPoint best = null;
    for (double beta : weights) {
      TrainSummary.PriorPoint point = beta == 0 ? none : priorPoint(beta, labels, map, heldOut, test, unseen, none);
      search.add(point);
      progress.note("ImageNet prior " + point);
      if (point.admissible() && score.applyAsDouble(point) > (best == null ? -1 : score.applyAsDouble(best))) {
        best = point;
      }
    }
    double beta = best == null ? 0 : best.beta();
    ImageNetPrior prior = new ImageNetPrior(labels, map, beta);
    return new PriorFit(prior, new TrainSummary.PriorChoice(beta, chosenOn, search, prior.zeroShot()));
  }

  /**
   * The {@link HeadVeto} fitted on the real and studio photos of {@code training} (the synthetic scenes show the
   * head their backgrounds), or null: no veto asked for, or no head logits.
   */
  private HeadVeto headVeto(Dataset<Row> training, ImageNetPrior prior) {
    if (options.headVetoQuantile() == 0) {
      return null;
    }
    boolean[] notAFruit = prior.notAFruitClasses();
    Dataset<LabelledPhoto> photos = LabelledPhoto.of(training.where(col(FeatureTable.SOURCE)
        .notEqual(SynthesizeJob.SOURCE_NAME).and(col(FeatureTable.SPECIES).notEqual(Taxon.NOT_A_FRUIT_SPECIES))
        .and(col(FeatureTable.HEAD_LOGITS).isNotNull())));
    Map<String, List<Double>> masses = new TreeMap<>();
    photos.map((MapFunction<LabelledPhoto, Tuple2<String, Double>>) photo -> new Tuple2<>(photo.getSpecies(),
            ImageNetPrior.massOn(notAFruit, photo.getLogits())), Encoders.tuple(Encoders.STRING(), Encoders.DOUBLE()))
        .collectAsList().forEach(t -> masses.computeIfAbsent(t._1(), k -> new ArrayList<>()).add(t._2()));
    Map<String, double[]> bySpecies = new TreeMap<>();
    masses.forEach((species, list) -> bySpecies.put(species, list.stream().mapToDouble(Double::doubleValue).toArray()));
    return HeadVeto.fit(bySpecies, options.headVetoQuantile());
  }

  /** Costs more than this share of right answers on the held-out photos or Test: the prior weighs too much. */
  static final double PRIOR_TOLERANCE = 0.005;

  /** How weight {@code beta} does on each set of photos; admissible against {@code none} (null: it is none). */
  private static TrainSummary.PriorPoint priorPoint(double beta, List<String> labels, String[] map, List<Scored> heldOut,
      List<Scored> test, Map<String, UnseenRun> unseen, TrainSummary.PriorPoint none) {
    ImageNetPrior prior = new ImageNetPrior(labels, map, beta);
    double heldOutAccuracy = speciesAccuracy(withPrior(heldOut, prior), prior.labels());
    double testAccuracy = speciesAccuracy(withPrior(test, prior), prior.labels());
    double unseenAccuracy = unseen.values().stream().mapToDouble(run -> {
      ImageNetPrior its = new ImageNetPrior(run.labels(), map, beta);
      return speciesAccuracy(withPrior(run.scored(), its), its.labels());
    }).average().orElse(Double.NaN);
    boolean admissible = none == null || (notWorse(heldOutAccuracy, none.heldOut())
        && notWorse(testAccuracy, none.test()));
    return new TrainSummary.PriorPoint(beta, unseenAccuracy, heldOutAccuracy, testAccuracy, admissible);
  }

  private static boolean notWorse(double accuracy, double without) {
    return Double.isNaN(without) || accuracy >= without - PRIOR_TOLERANCE;
  }

  private static List<Scored> withPrior(List<Scored> scored, ImageNetPrior prior) {
    List<Scored> out = new ArrayList<>(scored.size());
    for (Scored s : scored) {
      out.add(new Scored(s.path(), s.source(), s.split(), s.species(), s.variety(),
          prior.apply(s.probabilities(), s.head()), s.head(), prior.doubted(s.head())));
    }
    return out;
  }

  private static double speciesAccuracy(List<Scored> scored, List<String> labels) {
    SpeciesAnswers answers = new SpeciesAnswers(labels);
    long right = 0;
    for (Scored s : scored) {
      if (answers.answer(s.probabilities(), 0, 1, 0).best().species().equals(s.species())) {
        right++;
      }
    }
    return scored.isEmpty() ? Double.NaN : (double) right / scored.size();
  }

  /**
   * The threshold on the top species' probability: the lowest at which the photos answered as a fruit were right
   * at least the target share of the time (a photo of no fruit answered as one counts as wrong); never below 0.5.
   */
  private ConfidenceCalibration calibrate(List<Scored> scored, SpeciesAnswers answers, String split) {
    List<ConfidenceCalibration.Outcome> outcomes = new ArrayList<>();
    for (Scored s : scored) {
      SpeciesAnswers.Answer a = answers.answer(s.probabilities(), 0, 1, 0);
      if (a.best().isFruit()) {
        // a species the head doubts is never named: as if its probability reached no threshold
        double p = s.doubted().contains(a.best().species()) ? 0 : a.best().probability();
        outcomes.add(new ConfidenceCalibration.Outcome(p, a.best().species().equals(s.species())));
      }
    }
    if (outcomes.isEmpty()) {
      return new ConfidenceCalibration(0.5, options.targetPrecision(), 0.5, split, 0, Double.NaN, 0, Double.NaN, "");
    }
    return ConfidenceCalibration.fit(outcomes.toArray(new ConfidenceCalibration.Outcome[0]), options.targetPrecision(),
        0.5, split, "");
  }

  private Map<String, TrainSummary.Scores> scoresBySource(List<Scored> scored, SpeciesAnswers answers,
      double threshold) {
    Map<String, List<Scored>> bySource = new TreeMap<>();
    scored.forEach(s -> bySource.computeIfAbsent(s.source(), k -> new ArrayList<>()).add(s));
    Map<String, TrainSummary.Scores> out = new LinkedHashMap<>();
    bySource.forEach((source, list) -> out.put(source, scores(list, answers, threshold)));
    return out;
  }

  /** How the app's answers ({@link SpeciesAnswers}) do on {@code scored}. */
  TrainSummary.Scores scores(List<Scored> scored, SpeciesAnswers answers, double threshold) {
    Set<String> known = new HashSet<>(answers.species());
    long fruit = 0;
    long unknown = 0;
    long right = 0;
    long varietyPhotos = 0;
    long varietyRight = 0;
    long varietyNamed = 0;
    long answered = 0;
    long answeredFruit = 0;
    long answeredRight = 0;
    long notFruit = 0;
    long refused = 0;
    for (Scored s : scored) {
      SpeciesAnswers.Answer a = answers.answer(s.probabilities(), s.doubted(), threshold, options.varietyConfidence(),
          0);
      boolean speciesRight = a.best().species().equals(s.species());
      if (a.recognized()) {
        answered++;
        answeredRight += speciesRight ? 1 : 0;
      }
      if (Taxon.NOT_A_FRUIT_SPECIES.equals(s.species())) {
        notFruit++;
        refused += a.recognized() ? 0 : 1;
        continue;
      }
      if (!known.contains(s.species())) {
        unknown++;
        continue;
      }
      fruit++;
      right += speciesRight ? 1 : 0;
      answeredFruit += a.recognized() ? 1 : 0;
      if (speciesRight && s.variety() != null && a.best().variety() != null) {
        varietyPhotos++;
        varietyRight += s.variety().equals(a.best().variety()) ? 1 : 0;
        varietyNamed += a.varietyNamed() ? 1 : 0;
      }
    }
    return new TrainSummary.Scores(fruit, unknown, ratio(right, fruit), ratio(varietyRight, varietyPhotos),
        ratio(varietyNamed, varietyPhotos), ratio(answeredFruit, fruit), ratio(answeredRight, answered), notFruit,
        ratio(refused, notFruit));
  }

  private static double ratio(long a, long b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  /**
   * {@linkplain SynthesizeJob#sceneName(String) Names} of the synthetic scenes of the synthesize output {@code scenesRun} that
   * show something of {@code source}: those drawn on one of its backgrounds, or every scene when it is the studio
   * source the fruits were cut from (none without a scenes table). Names, not paths: the run folder may have been
   * copied since it was featurized.
   */
  static Set<String> scenesFrom(SparkSession spark, String scenesRun, String source) {
    if (scenesRun == null) {
      return Set.of();
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String scenes = HadoopFiles.child(scenesRun, RunFolder.SCENES);
    if (!HadoopFiles.exists(scenes, conf)) {
      return Set.of();
    }
    Dataset<Row> table = spark.read().parquet(scenes);
    String summary = HadoopFiles.child(scenesRun, RunFolder.SUMMARY);
    boolean studio = HadoopFiles.exists(summary, conf)
        && ImageSource.parseList(Summaries.read(summary, SynthesizeSummary.class, conf).studio()).stream()
            .anyMatch(studioSource -> studioSource.name().equals(source));
    if (!studio) {
      table = table.where(col(SynthesizeJob.BACKGROUND_SOURCE).equalTo(source));
    }
    Set<String> names = new HashSet<>();
    table.select(FeatureTable.PATH).as(Encoders.STRING()).collectAsList()
        .forEach(path -> names.add(SynthesizeJob.sceneName(path)));
    return names;
  }

  private void writePredictions(List<Scored> heldOut, List<Scored> test, Map<String, UnseenRun> unseen,
      SpeciesAnswers answers, double threshold, Configuration conf) {
    StringBuilder csv = new StringBuilder("scored_as,source,split,path,species,variety,answer_species,answer_variety,"
        + "probability,recognized,head_doubts\n");
    append(csv, HELD_OUT, heldOut, answers, threshold);
    append(csv, TEST, test, answers, threshold);
    unseen.forEach((source, run) -> append(csv, UNSEEN, run.scored(), new SpeciesAnswers(run.labels()), threshold));
    HadoopFiles.writeString(HadoopFiles.child(options.out(), RunFolder.PREDICTIONS), csv.toString(), conf);
  }

  private void append(StringBuilder csv, String scoredAs, List<Scored> scored, SpeciesAnswers answers,
      double threshold) {
    for (Scored s : scored) {
      SpeciesAnswers.Answer a = answers.answer(s.probabilities(), s.doubted(), threshold, options.varietyConfidence(),
          0);
      csv.append(scoredAs).append(',').append(Csv.field(s.source())).append(',').append(Csv.field(s.split()))
          .append(',').append(Csv.field(s.path())).append(',').append(Csv.field(s.species())).append(',')
          .append(Csv.field(s.variety())).append(',').append(Csv.field(a.best().species())).append(',')
          .append(Csv.field(a.varietyNamed() ? a.best().variety() : null)).append(',')
          .append(String.format(Locale.ROOT, "%.4f", a.best().probability())).append(',').append(a.recognized())
          .append(',').append(s.doubted().contains(a.best().species())).append('\n');
    }
  }
}
