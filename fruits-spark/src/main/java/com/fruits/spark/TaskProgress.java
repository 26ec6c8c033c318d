package com.fruits.spark;

import com.fruits.core.progress.ProgressBar;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Advances a progress bar as tasks work anywhere in the cluster: by the rows a running task has produced, which
 * its executor reports with every heartbeat ({@code spark.executor.heartbeatInterval}) in the accumulator
 * {@code rowsAccumulatorId}, and by the rows a task wrote when it succeeds. The bar never moves backwards: the rows
 * of a task that fails stay counted until its retry has produced more.
 */
final class TaskProgress extends SparkListener {
  private final ProgressBar bar;
  private final long rowsAccumulatorId;
  /** Rows reported so far by the tasks still running, by task id. */
  private final Map<Long, Long> running = new HashMap<>();
  /** Tasks that ended: a heartbeat sent before a task ended can arrive after it. */
  private final Set<Long> ended = new HashSet<>();
  private long finished;
  private long shown;

  TaskProgress(ProgressBar bar, long rowsAccumulatorId) {
    this.bar = bar;
    this.rowsAccumulatorId = rowsAccumulatorId;
  }

  @Override
  public synchronized void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    // iterated, not converted: the same Java compiles against Scala 2.12 and 2.13 collections
    var tasks = update.accumUpdates().iterator();
    while (tasks.hasNext()) {
      var task = tasks.next();
      long taskId = (Long) task._1();
      var infos = task._4().iterator();
      while (infos.hasNext()) {
        AccumulableInfo info = infos.next();
        if (info.id() == rowsAccumulatorId && info.update().isDefined() && info.update().get() instanceof Long rows
            && !ended.contains(taskId)) {
          running.put(taskId, rows);
        }
      }
    }
    show();
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    if (taskEnd.taskInfo() == null) {
      return;
    }
    long taskId = taskEnd.taskInfo().taskId();
    ended.add(taskId);
    running.remove(taskId);
    if (taskEnd.taskInfo().successful() && taskEnd.taskMetrics() != null) {
      finished += taskEnd.taskMetrics().outputMetrics().recordsWritten();
    }
    show();
  }

  private void show() {
    long now = finished;
    for (long rows : running.values()) {
      now += rows;
    }
    if (now > shown) {
      bar.advance(now - shown);
      shown = now;
    }
  }
}
