package com.fruits.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.progress.ProgressBar;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Test;

/** The progress bar on a real local Spark: it moves while a task runs, not only when tasks end. */
class TaskProgressTest {
  /** Read by the task, which runs in this JVM (local mode). */
  private static volatile ProgressBar bar;

  @Test
  void theBarFollowsARunningTaskThroughItsHeartbeats() {
    SparkSession spark = SparkSession.builder().master("local[1]").appName("progress-test")
        .config("spark.ui.enabled", "false").config("spark.executor.heartbeatInterval", "200ms").getOrCreate();
    try {
      LongAccumulator rows = spark.sparkContext().longAccumulator("rows");
      bar = new ProgressBar("test", "rows", 10, new PrintStream(OutputStream.nullOutputStream()), false);
      TaskProgress progress = new TaskProgress(bar, rows.id());
      spark.sparkContext().addSparkListener(progress);
      // the task reports 4 rows, then waits (30 s at most) for the bar to show them before it ends
      List<Long> shownWhileRunning = new JavaSparkContext(spark.sparkContext()).parallelize(List.of(1), 1)
          .map(ignored -> {
            rows.add(4);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (bar.done() < 4 && System.nanoTime() < deadline) {
              Thread.sleep(20);
            }
            return bar.done();
          }).collect();
      assertThat(shownWhileRunning).containsExactly(4L);
      spark.sparkContext().removeSparkListener(progress);
      assertThat(bar.done()).as("the task wrote no rows; the bar does not move back").isEqualTo(4);
    } finally {
      spark.stop();
    }
  }
}
