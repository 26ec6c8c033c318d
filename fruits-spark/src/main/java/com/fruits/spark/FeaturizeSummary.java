package com.fruits.spark;

import java.util.Map;

/** The machine-readable record of one featurize run, written as {@code summary.json}. */
public record FeaturizeSummary(
    String command,
    String runId,
    String startedAt,
    String input,
    String output,
    String model,
    String specHash,
    int featureDimension,
    String sparkMaster,
    String sparkVersion,
    int executors,
    int totalCores,
    int threadsPerTask,
    int batchSize,
    int partitions,
    long imagesListed,
    long imagesSelected,
    long imagesAlreadyInOutput,
    long imagesProcessed,
    long imagesFeaturized,
    long imagesFailed,
    Map<String, Long> failuresByReason,
    long tableRows,
    long supersededRowsDropped,
    Map<String, Double> stageSeconds,
    Map<String, Double> taskSeconds,
    double wallSeconds,
    double imagesPerSecond) {

  /** One line for humans. */
  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "featurized %d of %d images (%d failed%s, %d already present) with %s [%s] in %.1fs: %.1f images/s on %s",
        imagesFeaturized, imagesSelected, imagesFailed, failuresByReason.isEmpty() ? "" : " " + failuresByReason,
        imagesAlreadyInOutput, model, specHash.substring(0, 12), wallSeconds, imagesPerSecond, sparkMaster);
  }
}
