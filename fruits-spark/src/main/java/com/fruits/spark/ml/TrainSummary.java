package com.fruits.spark.ml;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    double colorWeight,
    double regParam,
    double testAccuracy,
    double macroPrecision,
    double macroRecall,
    Map<String, Double> stageSeconds,
    double wallSeconds) {

  /** Mean accuracy over the folds for one (components, colour weight, regParam). */
  public record CvPoint(int components, double colorWeight, double regParam, double accuracy) {}

  /**
   * Whether this run's cross-validation covered exactly the candidates of {@code options} (components only when the
   * options name them; by default they follow the reduce step, whose fingerprint the caller compares).
   */
  public boolean searched(TrainOptions options) {
    Set<Double> weights = new HashSet<>();
    Set<Double> regs = new HashSet<>();
    Set<Integer> ks = new HashSet<>();
    for (CvPoint p : crossValidation) {
      weights.add(p.colorWeight());
      regs.add(p.regParam());
      ks.add(p.components());
    }
    return weights.equals(new HashSet<>(options.colorWeights()))
        && regs.equals(new HashSet<>(options.regParams()))
        && (options.components().isEmpty() || ks.equals(new HashSet<>(options.components())));
  }

  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "trained on %d images (%d classes), k=%d, colour weight=%g, reg=%g chosen by %d-point cross-validation; "
            + "Test top-1 accuracy %.2f%% on %d images%s in %.1fs",
        trainingRows, labels.size(), components, colorWeight, regParam, crossValidation.size(), 100 * testAccuracy,
        testRows,
        testRowsWithUnknownLabels > 0 ? " (" + testRowsWithUnknownLabels + " with labels unknown to the model)" : "",
        wallSeconds);
  }
}
