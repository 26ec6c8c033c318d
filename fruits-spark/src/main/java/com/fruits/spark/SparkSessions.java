package com.fruits.spark;

import com.fruits.storage.StorageSettings;
import org.apache.spark.sql.SparkSession;

/** How the command line gets its SparkSession: local[*] unless a master is given or spark-submit set one. */
public final class SparkSessions {
  /** Executors' OpenBLAS threads; the launcher sets the same for local runs (the driver's environment). */
  static final String EXECUTOR_BLAS_THREADS = "spark.executorEnv.OPENBLAS_NUM_THREADS";

  private SparkSessions() {}

  /**
   * @param master a Spark master URL, or null to use the one spark-submit configured, else {@code local[*]}
   */
  public static SparkSession create(String appName, String master) {
    return create(appName, master, null);
  }

  /** As {@link #create(String, String)}, for an S3-compatible store at {@code s3Endpoint} (null: AWS S3). */
  public static SparkSession create(String appName, String master, String s3Endpoint) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    StorageSettings.forEndpoint(s3Endpoint).forEach((key, value) -> builder.config("spark.hadoop." + key, value));
    // a setting spark-submit or spark-defaults.conf gave (e.g. another committer) stands
    String committer = System.getProperty(StorageSettings.COMMITTER_SETTING, "magic");
    StorageSettings.committers(committer).forEach((key, value) -> {
      if (System.getProperty(key) == null) {
        builder.config(key, value);
      }
    });
    // the one spark-submit set (a system property) stands unless a master is given
    String submitted = System.getProperty("spark.master");
    String resolved = master != null ? master : submitted != null ? submitted : "local[*]";
    if (!resolved.equals(submitted)) {
      builder.master(resolved);
    }
    if (resolved.startsWith("local") && System.getProperty("spark.executor.heartbeatInterval") == null) {
      // progress bars follow running tasks through their heartbeats (TaskProgress); Spark's default is every 10 s
      builder.config("spark.executor.heartbeatInterval", "2s");
    }
    if (System.getProperty(EXECUTOR_BLAS_THREADS) == null) {
      // Spark runs one task per core already: a multi-threaded native BLAS in every task oversubscribes the cores
      // (the logistic regression's fit took 2.6 times as long with OpenBLAS's default threads)
      builder.config(EXECUTOR_BLAS_THREADS, "1");
    }
    if (System.getProperty("spark.ui.enabled") == null) {
      builder.config("spark.ui.enabled", "false");
    }
    return builder
        .config("spark.sql.parquet.compression.codec", "zstd")
        .config("spark.sql.sources.partitionOverwriteMode", "static")
        .getOrCreate();
  }
}
