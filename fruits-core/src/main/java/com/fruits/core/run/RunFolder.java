package com.fruits.core.run;

/**
 * The one definition of a run folder's layout and of each artefact's name, shared by the jobs, {@code fruits
 * pipeline} and the report. Names only, no I/O: the same names serve a local folder and an {@code s3a://} prefix.
 *
 * <pre>
 * &lt;work&gt;/synthetic/    scenes (Parquet), images/, summary.json                    fruits synthesize
 * &lt;work&gt;/features/     table (Parquet), model-spec.json, taxonomy.csv, summary.json,
 *                       runs/&lt;run id&gt;.json                                         fruits featurize
 * &lt;work&gt;/reduced/      table, model/, explained-variance.csv, k-study.csv,
 *                       class-balance.csv, scatter.csv, summary.json               fruits reduce
 * &lt;work&gt;/model/        bundle/, spark-model/, predictions.csv, summary.json         fruits train
 * &lt;work&gt;/pipeline-summary.json, &lt;work&gt;/report.html                                  fruits pipeline
 * </pre>
 */
public final class RunFolder {
  public static final String SYNTHETIC = "synthetic";
  public static final String FEATURES = "features";
  public static final String REDUCED = "reduced";
  public static final String MODEL = "model";

  /** Every stage's machine-readable record of its run. */
  public static final String SUMMARY = "summary.json";
  public static final String PIPELINE_SUMMARY = "pipeline-summary.json";
  public static final String REPORT = "report.html";

  /** The Parquet table of a featurize or reduce output. */
  public static final String TABLE = "table";

  /** In a synthesize output: the composed scenes' JPEGs and their parameters (Parquet). */
  public static final String SCENE_IMAGES = "images";
  public static final String SCENES = "scenes";

  /** In a featurize output: the model spec and the taxonomy the table was computed with. */
  public static final String MODEL_SPEC = "model-spec.json";
  public static final String TAXONOMY = "taxonomy.csv";
  /** In a featurize output: every run's summary, as {@code runs/<run id>.json} (the summary file is the last one's). */
  public static final String RUNS = "runs";

  /** In a reduce output: the fitted scaler and PCA, a Spark ML {@code PipelineModel}. */
  public static final String REDUCE_MODEL = "model";

  /** In a reduce output: the curve, the k-versus-sample-size study, the class balance and a 2-D scatter (CSV). */
  public static final String EXPLAINED_VARIANCE = "explained-variance.csv";
  public static final String K_STUDY = "k-study.csv";
  public static final String CLASS_BALANCE = "class-balance.csv";
  public static final String SCATTER = "scatter.csv";

  /** In a train output: the serving bundle, the Spark ML model and every scored photo. */
  public static final String BUNDLE = "bundle";
  public static final String SPARK_MODEL = "spark-model";
  public static final String PREDICTIONS = "predictions.csv";

  private RunFolder() {}

  /** In a featurize output: where the summary of run {@code runId} goes, under {@link #RUNS}. */
  public static String runSummary(String runId) {
    return RUNS + "/" + runId + ".json";
  }
}
