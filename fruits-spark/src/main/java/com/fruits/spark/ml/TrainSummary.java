package com.fruits.spark.ml;

import java.util.List;
import java.util.Map;

/** The machine-readable record of a train run ({@code summary.json}). */
public record TrainSummary(
    String command,
    String startedAt,
    String reduced,
    String output,
    String inputFingerprint,
    String specHash,
    List<String> labels,
    long trainingRows,
    long testRows,
    long testRowsWithUnknownLabels,
    Map<String, Long> unknownTestLabels,
    List<CvPoint> crossValidation,
    int components,
    double regParam,
    double testAccuracy,
    double macroPrecision,
    double macroRecall,
    Map<String, Double> stageSeconds,
    double wallSeconds) {

  /** Mean accuracy over the folds for one (components, regParam). */
  public record CvPoint(int components, double regParam, double accuracy) {}

  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "trained on %d images (%d classes), k=%d, reg=%g chosen by %d-point cross-validation; Test top-1 accuracy "
            + "%.2f%% on %d images%s in %.1fs",
        trainingRows, labels.size(), components, regParam, crossValidation.size(), 100 * testAccuracy, testRows,
        testRowsWithUnknownLabels > 0 ? " (" + testRowsWithUnknownLabels + " with labels unknown to the model)" : "",
        wallSeconds);
  }
}
