package com.fruits.spark;

import com.fruits.core.progress.ProgressBar;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/** Advances a progress bar by the rows each successful task wrote, as tasks finish anywhere in the cluster. */
final class TaskProgress extends SparkListener {
  private final ProgressBar bar;

  TaskProgress(ProgressBar bar) {
    this.bar = bar;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (taskEnd.taskInfo() != null && taskEnd.taskInfo().successful() && taskEnd.taskMetrics() != null) {
      long written = taskEnd.taskMetrics().outputMetrics().recordsWritten();
      if (written > 0) {
        bar.advance(written);
      }
    }
  }
}
