package com.fruits.spark;

import com.fruits.core.progress.JobProgress;
import org.apache.spark.sql.SparkSession;

/**
 * One run of a stage as an action: the session it runs on and its options in, a typed summary out of {@link #run()}
 * (also written as the stage's {@code summary.json}). Notes on the way go to a {@link JobProgress}.
 *
 * @param <O> the stage's options
 * @param <R> the summary a run returns
 */
public abstract class SparkJob<O, R> {
  protected final SparkSession spark;
  protected final O options;
  protected final JobProgress progress;

  protected SparkJob(SparkSession spark, O options, JobProgress progress) {
    this.spark = spark;
    this.options = options;
    this.progress = progress;
  }

  public abstract R run();
}
