package com.fruits.core.run;

import java.util.List;
import java.util.Map;

/**
 * The machine-readable record of a reduce run ({@code summary.json}).
 *
 * @param provenance the feature table it read, where it wrote, when (null in a summary older than this record)
 */
public record ReduceSummary(
    StageProvenance provenance,
    int featureDimension,
    long rows,
    long rowsWithoutFeatures,
    long fitRows,
    String fitOn,
    double variance,
    int k,
    double varianceKept,
    int k80,
    int k90,
    int k95,
    int k99,
    List<StudyPoint> study,
    Map<String, Double> stageSeconds,
    double wallSeconds) {

  /** k at 80/90/95 % for one stratified sample of the Training rows. */
  public record StudyPoint(String size, long seed, long images, int k80, int k90, int k95) {}

  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "reduced %d rows (%d without features, carried with their error) from %d to %d components keeping %.1f%% "
            + "of the variance (k@80%%=%d, k@90%%=%d, k@95%%=%d; fitted on %d %s rows) in %.1fs",
        rows, rowsWithoutFeatures, featureDimension, k, 100 * varianceKept, k80, k90, k95, fitRows, fitOn,
        wallSeconds);
  }
}
