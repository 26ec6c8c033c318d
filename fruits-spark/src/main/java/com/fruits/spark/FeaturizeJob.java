package com.fruits.spark;

import static com.fruits.spark.StageTimes.timed;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.substring_index;

import com.fruits.core.FruitsException;
import com.fruits.core.dataset.ImageSource;
import com.fruits.core.dataset.StratifiedSample;
import com.fruits.core.featurize.InferenceDevice;
import com.fruits.core.featurize.InferenceSettings;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.image.FailureReason;
import com.fruits.core.model.ModelSpecs;
import com.fruits.core.progress.JobProgress;
import com.fruits.core.progress.ProgressBar;
import com.fruits.core.run.FeaturizeSummary;
import com.fruits.core.run.RunFolder;
import com.fruits.core.taxonomy.Taxonomy;
import com.fruits.storage.HadoopFiles;
import com.fruits.storage.Summaries;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.util.LongAccumulator;

/**
 * images → listing (+ labels) → optional stratified sample → (resume: minus what the output already has) →
 * balanced partitions → {@link FeaturizePartition} on the executors → Parquet → (compact: drop superseded rows),
 * then a summary.
 *
 * <p>The driver holds the listing (paths and sizes, as Spark's own file index would), distinct spec hashes and
 * the summary; image bytes and features stay on the executors and go straight to storage.
 */
public final class FeaturizeJob extends SparkJob<FeaturizeOptions, FeaturizeSummary> {
  /**
   * Aim for partitions of this many images (about 15–20 s of a core's work, a Parquet file of about 11 MB), at least
   * two per core. A task costs about 0.1 s of core time besides its images (its closure and Hadoop configuration
   * serialized both ways, a Parquet file opened, committed and renamed, the local file system's permission calls),
   * and in a JVM that has not run hundreds of tasks yet the JIT compiler is still compiling that once-per-task code:
   * 4,000 photos on 2 cores in 16 partitions of 250 took 1–3 s longer than in 4 of 1,000, and 8,000 in 4 partitions
   * rather than 8 raised inference's share of the stage's core time from 89.9 % to 90.6 % (four pairs, alternated).
   * The progress bar does not need small tasks: it follows the running tasks' heartbeats ({@link TaskProgress}).
   */
  static final int IMAGES_PER_PARTITION = 2048;

  private final ResolvedModel model;
  private final boolean showProgress;

  public FeaturizeJob(SparkSession spark, FeaturizeOptions options, ResolvedModel model, boolean showProgress) {
    this(spark, options, model, showProgress, JobProgress.STDERR);
  }

  /** {@code showProgress}: a progress bar on the console; {@code progress}: where the job's notes go. */
  public FeaturizeJob(SparkSession spark, FeaturizeOptions options, ResolvedModel model, boolean showProgress,
      JobProgress progress) {
    super(spark, options, progress);
    this.model = model;
    this.showProgress = showProgress;
  }

  @Override
  public FeaturizeSummary run() {
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    String runId = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC).format(startedAt)
        + "-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    Map<String, Double> stages = new LinkedHashMap<>();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    String out = options.out();
    String table = HadoopFiles.child(out, RunFolder.TABLE);
    boolean appending = timed(stages, "prepare", () -> prepareOutput(conf, table));
    Selection selection = timed(stages, "list", () -> select(table, appending));
    Execution execution = execution(selection.todoCount());
    FeaturizePartition.TaskMetrics metrics = FeaturizePartition.TaskMetrics.register(spark.sparkContext());
    if (selection.todoCount() > 0) {
      // balanced partitions, each class spread over all of them, without a shuffle: the rows go out with the tasks
      Dataset<Row> todo = ImageListing.distribute(spark, selection.todo(), execution.partitions());
      timed(stages, "featurize", () -> featurize(todo, selection.todoCount(), execution, runId, conf, table,
          appending, metrics));
    }
    double featurizeSeconds = stages.computeIfAbsent("featurize", name -> 0.0);
    long dropped = options.compact() && HadoopFiles.exists(table, conf)
        ? timed(stages, "compact", () -> compact(conf, table, runId)) : 0;
    Written written = timed(stages, "summarize", () -> {
      HadoopFiles.writeString(HadoopFiles.child(out, RunFolder.MODEL_SPEC), ModelSpecs.toJson(model.spec()), conf);
      HadoopFiles.writeString(HadoopFiles.child(out, RunFolder.TAXONOMY), selection.taxonomy().csv(), conf);
      return written(conf, table, runId, selection.tableRowsAfter());
    });
    FeaturizeSummary summary = summary(runId, startedAt, execution, selection, written, dropped)
        .stageSeconds(stages).taskSeconds(metrics.seconds()).inferenceProviders(metrics.providersUsed())
        .wallSeconds(seconds(started)).imagesPerSecond(featurizeSeconds > 0 && written.processed() > 0
            ? written.processed() / featurizeSeconds : 0)
        .build();
    Summaries.write(HadoopFiles.child(out, RunFolder.SUMMARY), summary, conf);
    Summaries.write(HadoopFiles.child(out, RunFolder.runSummary(runId)), summary, conf);
    return summary;
  }

  /** How the photos to do are featurized: over how many cores and partitions, with what batch and threads. */
  private record Execution(int cores, int threads, int partitions, int batch, InferenceSettings inference) {}

  private Execution execution(long todo) {
    int cores = spark.sparkContext().defaultParallelism();
    int taskCpus = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
    int threads = options.threadsPerTask() != null ? options.threadsPerTask() : taskCpus;
    int partitions = todo == 0 ? 0 : options.partitions() != null ? options.partitions()
        : defaultPartitions(todo, cores);
    int batch = Math.min(options.effectiveBatchSize(),
        model.spec().dynamicBatch() ? Integer.MAX_VALUE : model.spec().batchSize());
    return new Execution(cores, threads, partitions, batch, InferenceSettings.on(options.device(), threads));
  }

  /** The summary's figures from this run's execution, selection and output; the caller adds the timings. */
  private FeaturizeSummary.Builder summary(String runId, Instant startedAt, Execution execution, Selection selection,
      Written written, long dropped) {
    long processed = written.processed();
    return FeaturizeSummary.builder().command("featurize").runId(runId)
        .startedAt(startedAt.toString()).input(options.images()).output(options.out())
        .model(model.spec().name()).specHash(model.spec().hash()).featureDimension(model.featureDimension())
        .sparkMaster(spark.sparkContext().master()).sparkVersion(spark.version()).executors(executors())
        .totalCores(execution.cores()).threadsPerTask(execution.threads()).batchSize(execution.batch())
        .device(options.device().cliName()).partitions(execution.partitions())
        .imagesListed(selection.listed()).imagesSelected(selection.sample().size())
        .imagesAlreadyInOutput(selection.sample().size() - selection.todoCount())
        .imagesProcessed(processed).imagesFeaturized(processed - written.failed()).imagesFailed(written.failed())
        .failuresByReason(written.failures()).tableRows(written.tableRows()).supersededRowsDropped(dropped);
  }

  /**
   * The photos listed, those selected (a stratified sample, when asked for), and among them those still to do: all
   * of them, or when appending to a table, those it lacks or holds from another version of the file; and the photos
   * the table will hold once they are in (each photo is one row, its current one).
   */
  private record Selection(Taxonomy taxonomy, long listed, List<Row> sample, List<Row> todo, long tableRowsAfter) {
    long todoCount() {
      return todo.size();
    }
  }

  private Selection select(String table, boolean appending) {
    Taxonomy taxonomy = Taxonomy.loadOrBundled(options.taxonomy());
    List<Row> listing = ImageListing.rows(spark, options.sources(), taxonomy, ImageSource.DEFAULT_HOLDOUT);
    reportUnmapped(listing);
    if (listing.isEmpty()) {
      throw new FruitsException("no JPEG or PNG images under " + options.images());
    }
    List<Row> sample = listing;
    Function<Row, String> label = r -> r.getString(1);
    Function<Row, String> path = r -> r.getString(0);
    if (options.perClass() != null) {
      sample = StratifiedSample.perClass(listing, label, path, options.perClass(), options.seed());
    } else if (options.sampleTotal() != null) {
      sample = StratifiedSample.total(listing, label, path, options.sampleTotal(), options.seed());
    }
    if (!appending) {
      return new Selection(taxonomy, listing.size(), sample, sample, sample.size());
    }
    return notInTable(taxonomy, listing.size(), sample, table);
  }

  /**
   * The photos of {@code sample} the table lacks, holds from another version of the file (size or modification
   * time), or holds as a read error (the store's failure, not the photo's: read again). Compared on the driver,
   * which holds the listing anyway: one scan of five small columns, instead of joins that shuffle.
   */
  private Selection notInTable(Taxonomy taxonomy, long listed, List<Row> sample, String table) {
    Map<String, Row> current = new HashMap<>();
    for (Row r : spark.read().parquet(table).select(col(FeatureTable.PATH), col(FeatureTable.RUN_ID),
        col(FeatureTable.BYTES), col(FeatureTable.MODIFIED),
        functions.coalesce(col(FeatureTable.ERROR).startsWith(FailureReason.READ_ERROR.code()), functions.lit(false)))
        .collectAsList()) {
      // a photo featurized again (changed in place) has a row of each run until compaction; the latest one counts
      current.merge(r.getString(0), r, (a, b) -> a.getString(1).compareTo(b.getString(1)) >= 0 ? a : b);
    }
    List<Row> todo = new ArrayList<>();
    long newPhotos = 0;
    for (Row photo : sample) {
      Row row = current.get(photo.getString(0));
      if (row == null || row.getBoolean(4) || row.getLong(2) != photo.getLong(5)
          || !row.get(3).equals(photo.get(6))) {
        todo.add(photo);
        newPhotos += row == null ? 1 : 0;
      }
    }
    return new Selection(taxonomy, listed, sample, todo, current.size() + newPhotos);
  }

  /** What this run wrote: its rows, its failures by reason, and the rows of the whole table. */
  private record Written(long processed, long failed, Map<String, Long> failures, long tableRows) {}

  /**
   * This run's rows as the table holds them, counted by failure reason: one scan of the error column of this run's
   * files, no shuffle (a run's rows are all current). The table's rows come from the selection's count.
   */
  private Written written(Configuration conf, String table, String runId, long tableRows) {
    Map<String, Long> failures = new TreeMap<>();
    if (!HadoopFiles.exists(table, conf)) {
      return new Written(0, 0, failures, 0);
    }
    List<String> errors = spark.read().parquet(table).where(col(FeatureTable.RUN_ID).equalTo(runId))
        .select(substring_index(col(FeatureTable.ERROR), ":", 1)).as(Encoders.STRING()).collectAsList();
    long failed = 0;
    for (String reason : errors) {
      if (reason != null) {
        failures.merge(reason, 1L, Long::sum);
        failed++;
      }
    }
    return new Written(errors.size(), failed, failures, tableRows);
  }


  /** Says which folders the taxonomy does not map: their photos are featurized but never trained on. */
  private void reportUnmapped(List<Row> listing) {
    Map<String, Long> perSource = new TreeMap<>();
    String example = null;
    for (Row r : listing) {
      if (r.isNullAt(1)) {
        perSource.merge(r.getString(7), 1L, Long::sum);
        example = example != null ? example : r.getString(0).substring(0, r.getString(0).lastIndexOf('/'));
      }
    }
    if (!perSource.isEmpty()) {
      progress.note("photos in folders the taxonomy does not map (featurized, never trained on): " + perSource
          + ", e.g. " + example);
    }
  }

  /** Checks the output before any job runs; returns whether this run appends to an existing table. */
  private boolean prepareOutput(Configuration conf, String table) {
    String out = options.out();
    HadoopFiles.prepareOutput(out, options.overwrite(), options.resume(), "--resume to add only new images", conf);
    if (options.resume() && HadoopFiles.exists(table, conf)
        && !HadoopFiles.exists(HadoopFiles.child(table, "_SUCCESS"), conf)) {
      // what a job that never committed left (the S3A committer's pending uploads, a local _temporary folder): none
      // of it was ever part of the table
      HadoopFiles.delete(table, conf);
    }
    if (!options.resume() || !HadoopFiles.exists(table, conf)) {
      return false;
    }
    Dataset<Row> existing = spark.read().parquet(table);
    FeatureTable.requireColumns(existing, "output " + out, "featurize it again with --overwrite",
        FeatureTable.HEAD_LOGITS);
    List<String> hashes = specHashes(conf, existing);
    String current = model.spec().hash();
    for (String hash : hashes) {
      if (!hash.equals(current)) {
        throw new FruitsException("output " + out + " holds features of another model spec (" + hash.substring(0, 12)
            + ", this run uses " + current.substring(0, 12) + "); use a new --out or --overwrite");
      }
    }
    return true;
  }

  /**
   * The spec hashes of the table's rows. Each run writes the spec it featurized with beside the table, and refuses
   * a table of another spec, so that file names the spec of every row; a table without it (its first run ended
   * before writing it) is scanned.
   */
  private List<String> specHashes(Configuration conf, Dataset<Row> existing) {
    String specFile = HadoopFiles.child(options.out(), RunFolder.MODEL_SPEC);
    if (HadoopFiles.exists(specFile, conf)) {
      return List.of(ModelSpecs.parse(HadoopFiles.readString(specFile, conf), java.nio.file.Path.of("."), specFile)
          .hash());
    }
    return existing.select(FeatureTable.SPEC_HASH).distinct().as(Encoders.STRING()).collectAsList();
  }

  /** {@link #IMAGES_PER_PARTITION} images a partition, at least two partitions a core, at most one an image. */
  static int defaultPartitions(long images, int cores) {
    long byImages = (images + IMAGES_PER_PARTITION - 1) / IMAGES_PER_PARTITION;
    return (int) Math.max(1, Math.min(images, Math.max(2L * cores, byImages)));
  }

  private void featurize(Dataset<Row> todo, long count, Execution execution, String runId,
      Configuration conf, String table, boolean appending, FeaturizePartition.TaskMetrics metrics) {
    String deviceNote = options.device().buildNote();
    if (deviceNote != null) {
      progress.note(deviceNote);
    }
    ShippedModel shipped = ShippedModel.ship(spark, model.modelFile());
    LongAccumulator rowsDone = spark.sparkContext().longAccumulator("fruits.rows");
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<HadoopFiles.SerializableConfiguration> hadoopConf =
        context.broadcast(new HadoopFiles.SerializableConfiguration(conf));
    ExecutorModel onExecutors = new ExecutorModel(model.spec(), shipped, execution.batch(), execution.inference());
    FeaturizePartition function = new FeaturizePartition(onExecutors, options.maxFileBytes(), runId, options.views(),
        hadoopConf, metrics, rowsDone);
    Dataset<Row> features = todo.mapPartitions(function, Encoders.row(FeatureTable.SCHEMA));
    ProgressBar bar = showProgress ? ProgressBar.onConsole("featurize", "images", count) : null;
    TaskProgress listener = bar == null ? null : new TaskProgress(bar, rowsDone.id());
    if (listener != null) {
      spark.sparkContext().addSparkListener(listener);
    }
    try {
      spark.sparkContext().setJobDescription("fruits featurize " + count + " images with " + model.spec().name());
      write(features, appending ? SaveMode.Append : SaveMode.ErrorIfExists, table);
    } finally {
      if (listener != null) {
        spark.sparkContext().removeSparkListener(listener);
        bar.close();
      }
      spark.sparkContext().setJobDescription(null);
      shipped.release();
      hadoopConf.destroy();
    }
    reportFallbacks(metrics.providersUsed());
  }

  /** Says why tasks ran on the CPU where CUDA was asked for (a build without it was already said before the run). */
  private void reportFallbacks(List<String> providers) {
    if (options.device() == InferenceDevice.CUDA && InferenceDevice.cudaInBuild()) {
      providers.stream().filter(p -> !p.startsWith("cuda:"))
          .forEach(p -> progress.note("--device cuda: some tasks ran on " + p));
    }
  }

  private static void write(Dataset<Row> rows, SaveMode mode, String table) {
    DataFrameWriter<Row> writer = rows.write().mode(mode);
    // the floats of features, views and logits hardly repeat: a dictionary of them only costs time (a hash
    // lookup a float until the writer gives up on it)
    for (String column : FeatureTable.FLOAT_ARRAYS) {
      writer = writer.option("parquet.enable.dictionary#" + column + ".list.element", "false");
    }
    writer.parquet(table);
  }

  /**
   * Rewrites the table with only each photo's current row ({@link FeatureTable#current}) and returns how many
   * superseded rows were dropped; does nothing when there are none. The new table is written beside the old one
   * first, then swapped in by two renames; should the process die between them, {@code table.superseded-<run>}
   * holds the complete old table and can be renamed back to {@code table}.
   */
  private long compact(Configuration conf, String table, String runId) {
    Dataset<Row> all = spark.read().parquet(table);
    long dropped = FeatureTable.supersededRows(all);
    if (dropped == 0) {
      return 0;
    }
    spark.sparkContext().setJobDescription("fruits featurize: compact the table, dropping " + dropped + " rows");
    String staging = table + ".compacting-" + runId;
    String superseded = table + ".superseded-" + runId;
    try {
      write(FeatureTable.withoutSuperseded(all), SaveMode.ErrorIfExists, staging);
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
    HadoopFiles.rename(table, superseded, conf);
    HadoopFiles.rename(staging, table, conf);
    HadoopFiles.delete(superseded, conf);
    return dropped;
  }

  private int executors() {
    int infos = spark.sparkContext().statusTracker().getExecutorInfos().length;
    return spark.sparkContext().isLocal() ? 1 : Math.max(1, infos - 1);
  }

  /** Seconds (rounded to the millisecond) since {@code sinceNanos}, for the summaries' stage timings. */
  public static double seconds(long sinceNanos) {
    return Math.round((System.nanoTime() - sinceNanos) / 1e6) / 1e3;
  }
}
