package com.fruits.spark.ml;

import static com.fruits.spark.StageTimes.timed;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fruits.core.FruitsException;
import com.fruits.core.dataset.StratifiedSample;
import com.fruits.core.progress.JobProgress;
import com.fruits.core.run.ReduceSummary;
import com.fruits.core.run.RunFolder;
import com.fruits.core.run.StageProvenance;
import com.fruits.spark.FeatureTable;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.SparkJob;
import com.fruits.storage.HadoopFiles;
import com.fruits.storage.Summaries;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Standardize + PCA: fits the scaler and the PCA on the Training rows (the d × d covariance is the only thing the
 * driver sees), chooses k by explained variance (or takes {@code --k}), and writes the reduced table with every row,
 * failed images included with their error. Also writes what the report needs.
 *
 * <pre>
 * &lt;out&gt;/table/                  Parquet: path, label, split, rotation, pca (vector, null on error), error
 * &lt;out&gt;/model/                  Spark ML PipelineModel: StandardScaler + PCA(k)
 * &lt;out&gt;/explained-variance.csv   component, ratio, cumulative
 * &lt;out&gt;/k-study.csv             size, seed, images, k80, k90, k95
 * &lt;out&gt;/class-balance.csv       label, split, rotation, images
 * &lt;out&gt;/scatter.csv             label, split, pc1, pc2 (at most 3,000 rows)
 * &lt;out&gt;/summary.json
 * </pre>
 */
public final class ReduceJob extends SparkJob<ReduceOptions, ReduceSummary> {
  private static final int SCATTER_POINTS = 3000;

  /** {@code progress}: where the job's notes go ({@link JobProgress#STDERR} on the command line). */
  public ReduceJob(SparkSession spark, ReduceOptions options, JobProgress progress) {
    super(spark, options, progress);
  }

  @Override
  public ReduceSummary run() {
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Map<String, Double> stages = new LinkedHashMap<>();
    String out = options.out();
    HadoopFiles.prepareOutput(out, options.overwrite(), false, null, conf);
    Inputs in = timed(stages, "load", () -> load(conf));
    VarianceCurve curve = timed(stages, "fit", () -> VarianceCurve.fit(in.fitRows(), in.dimension()));
    int k = options.k() != null ? options.k() : curve.componentsFor(options.variance());
    PipelineModel model = timed(stages, "fit", () -> new PipelineModel("fruits-reduce", new Transformer[] {
        curve.scaler(), VarianceCurve.fitPca(curve.scaler().transform(in.fitRows()), k)}));
    timed(stages, "transform", () -> writeTableAndModel(in, model));
    List<ReduceSummary.StudyPoint> study = timed(stages, "study", () -> study(in.fitRows(), in.dimension()));
    timed(stages, "report-data", () -> {
      writeCurve(curve, conf);
      writeStudy(study, conf);
      writeClassBalance(in.table(), conf);
      writeScatter(conf);
    });
    long unusable = in.rows() - in.vectors().count();
    in.vectors().unpersist();

    StageProvenance provenance = new StageProvenance("reduce", startedAt.toString(), options.features(), out,
        in.fingerprint(), in.specHash());
    ReduceSummary summary = new ReduceSummary(provenance, in.dimension(), in.rows(), unusable, in.fitCount(),
        in.fitOn(), options.variance(), k, curve.cumulative(k), curve.componentsFor(0.80), curve.componentsFor(0.90),
        curve.componentsFor(0.95), curve.componentsFor(0.99), study, stages, FeaturizeJob.seconds(started));
    Summaries.write(HadoopFiles.child(out, RunFolder.SUMMARY), summary, conf);
    return summary;
  }

  /** The table, its usable feature vectors, the rows the fit uses (the Training split, else all) and provenance. */
  private record Inputs(Dataset<Row> table, Dataset<Row> vectors, Dataset<Row> fitRows, String fitOn, long rows,
      long fitCount, int dimension, String fingerprint, String specHash) {}

  private Inputs load(Configuration conf) {
    Dataset<Row> table = FeatureVectors.table(spark, options.features());
    Dataset<Row> vectors = FeatureVectors.vectors(table).cache();
    Dataset<Row> training = vectors.where(col(FeatureTable.SPLIT).equalTo(FeatureVectors.TRAINING));
    boolean hasTraining = !training.isEmpty();
    Dataset<Row> fitRows = hasTraining ? training : vectors;
    long fitCount = fitRows.count();
    if (fitCount < 2) {
      throw new FruitsException("the feature table has " + fitCount + " usable rows; PCA needs at least 2");
    }
    int dimension = ((Vector) fitRows.select(FeatureVectors.VECTOR).first().get(0)).size();
    if (options.k() != null && options.k() > dimension) {
      throw new FruitsException("asked for " + options.k() + " components but the features have only " + dimension
          + " dimensions");
    }
    return new Inputs(table, vectors, fitRows, hasTraining ? FeatureVectors.TRAINING : "all", table.count(), fitCount,
        dimension, HadoopFiles.fingerprint(HadoopFiles.child(options.features(), RunFolder.TABLE), conf),
        FeatureVectors.specHash(table));
  }

  /** The reduced table (failed rows kept, with a null vector) and the fitted scaler + PCA. */
  private void writeTableAndModel(Inputs in, PipelineModel model) {
    String out = options.out();
    Dataset<Row> reduced = model.transform(in.vectors())
        .select(col(FeatureTable.PATH), col(FeatureTable.LABEL), col(FeatureTable.SPLIT), col(FeatureTable.ROTATION),
            col(VarianceCurve.PCA_COLUMN), col(FeatureTable.ERROR));
    Dataset<Row> failed = in.table().where(col(FeatureTable.FEATURES).isNull())
        .select(col(FeatureTable.PATH), col(FeatureTable.LABEL), col(FeatureTable.SPLIT), col(FeatureTable.ROTATION),
            lit(null).cast(SQLDataTypes.VectorType()).as(VarianceCurve.PCA_COLUMN), col(FeatureTable.ERROR));
    reduced.unionByName(failed).write().mode(SaveMode.ErrorIfExists).parquet(HadoopFiles.child(out, RunFolder.TABLE));
    String modelDir = HadoopFiles.child(out, RunFolder.REDUCE_MODEL);
    try {
      model.write().overwrite().save(modelDir);
    } catch (java.io.IOException e) {
      throw new FruitsException("cannot save the fitted model to " + modelDir + ": " + e.getMessage());
    }
  }

  /** k at 80/90/95 % for stratified samples of the fitting rows; "all" is fitted once. */
  private List<ReduceSummary.StudyPoint> study(Dataset<Row> fitRows, int dimension) {
    List<ReduceSummary.StudyPoint> points = new ArrayList<>();
    if (options.studySizes().isEmpty()) {
      return points;
    }
    List<Row> keys = fitRows.select(FeatureTable.PATH, FeatureTable.LABEL).collectAsList();
    for (String size : options.studySizes()) {
      boolean all = size.equals("all") || Integer.parseInt(size) >= keys.size();
      int seeds = all ? 1 : options.studySeeds();
      for (int seed = 1; seed <= seeds; seed++) {
        Dataset<Row> sample = fitRows;
        long images = keys.size();
        if (!all) {
          List<Row> picked = StratifiedSample.total(keys, r -> r.getString(1), r -> r.getString(0),
              Integer.parseInt(size), seed);
          sample = FeatureVectors.restrictTo(fitRows, picked);
          images = picked.size();
        }
        VarianceCurve curve = VarianceCurve.fit(sample, dimension);
        points.add(new ReduceSummary.StudyPoint(size, seed, images, curve.componentsFor(0.80),
            curve.componentsFor(0.90), curve.componentsFor(0.95)));
        progress.note(String.format(Locale.ROOT, "k-study size %s seed %d: k@80%%=%d", size, seed,
            points.get(points.size() - 1).k80()));
      }
    }
    return points;
  }

  private void writeCurve(VarianceCurve curve, Configuration conf) {
    StringBuilder csv = new StringBuilder("component,ratio,cumulative\n");
    double cumulative = 0;
    for (int i = 0; i < curve.ratios().length; i++) {
      cumulative += curve.ratios()[i];
      csv.append(String.format(Locale.ROOT, "%d,%.8g,%.8g%n", i + 1, curve.ratios()[i], cumulative));
    }
    HadoopFiles.writeString(HadoopFiles.child(options.out(), RunFolder.EXPLAINED_VARIANCE), csv.toString(), conf);
  }

  private void writeStudy(List<ReduceSummary.StudyPoint> study, Configuration conf) {
    StringBuilder csv = new StringBuilder("size,seed,images,k80,k90,k95\n");
    for (ReduceSummary.StudyPoint p : study) {
      csv.append(p.size()).append(',').append(p.seed()).append(',').append(p.images()).append(',').append(p.k80())
          .append(',').append(p.k90()).append(',').append(p.k95()).append('\n');
    }
    HadoopFiles.writeString(HadoopFiles.child(options.out(), RunFolder.K_STUDY), csv.toString(), conf);
  }

  private void writeClassBalance(Dataset<Row> table, Configuration conf) {
    StringBuilder csv = new StringBuilder("label,split,rotation,images\n");
    for (Row r : table.groupBy(FeatureTable.LABEL, FeatureTable.SPLIT, FeatureTable.ROTATION).count()
        .orderBy(FeatureTable.LABEL, FeatureTable.SPLIT, FeatureTable.ROTATION).collectAsList()) {
      csv.append(Csv.field(r.getString(0))).append(',').append(Csv.field(r.getString(1))).append(',')
          .append(Csv.field(r.getString(2))).append(',').append(r.getLong(3)).append('\n');
    }
    HadoopFiles.writeString(HadoopFiles.child(options.out(), RunFolder.CLASS_BALANCE), csv.toString(), conf);
  }

  /** A sample of the reduced table just written (not a second PCA pass over the features). */
  private void writeScatter(Configuration conf) {
    Dataset<Row> transformed = spark.read().parquet(HadoopFiles.child(options.out(), RunFolder.TABLE))
        .where(col(VarianceCurve.PCA_COLUMN).isNotNull());
    long total = transformed.count();
    double fraction = Math.min(1.0, 1.2 * SCATTER_POINTS / Math.max(1, total));
    StringBuilder csv = new StringBuilder("label,split,pc1,pc2\n");
    for (Row r : transformed.sample(fraction, 7).limit(SCATTER_POINTS)
        .select(FeatureTable.LABEL, FeatureTable.SPLIT, VarianceCurve.PCA_COLUMN).collectAsList()) {
      Vector v = (Vector) r.get(2);
      csv.append(Csv.field(r.getString(0))).append(',').append(Csv.field(r.getString(1))).append(',')
          .append(String.format(Locale.ROOT, "%.5g,%.5g", v.apply(0), v.size() > 1 ? v.apply(1) : 0.0)).append('\n');
    }
    HadoopFiles.writeString(HadoopFiles.child(options.out(), RunFolder.SCATTER), csv.toString(), conf);
  }
}
