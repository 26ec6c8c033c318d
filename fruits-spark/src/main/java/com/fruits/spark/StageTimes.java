package com.fruits.spark;

import java.util.Map;
import java.util.function.Supplier;

/** The seconds each step of a job took, as its summary records them ({@code stageSeconds}). */
public final class StageTimes {
  private StageTimes() {}

  /** Runs {@code step}, adding its seconds to {@code stages} under {@code name}. */
  public static <T> T timed(Map<String, Double> stages, String name, Supplier<T> step) {
    long started = System.nanoTime();
    T result = step.get();
    stages.merge(name, FeaturizeJob.seconds(started), Double::sum);
    return result;
  }

  /** {@link #timed(Map, String, Supplier)} for a step with no result. */
  public static void timed(Map<String, Double> stages, String name, Runnable step) {
    timed(stages, name, () -> {
      step.run();
      return null;
    });
  }
}
