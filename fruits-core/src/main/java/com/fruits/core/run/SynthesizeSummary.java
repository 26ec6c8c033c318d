package com.fruits.core.run;

import java.util.Map;

/** The machine-readable record of a synthesize run ({@code summary.json}). */
public record SynthesizeSummary(String command, String startedAt, String studio, String backgrounds, String output,
    String taxonomyVersion, String recipe, long seed, int scenesPerLabel, int labels, long studioPhotos,
    long backgroundPhotos, long scenes, long failed, Map<String, Long> scenesPerBackgroundSource,
    double millisPerScene, Map<String, Double> stageSeconds, double wallSeconds) {

  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "%d scenes (%d labels x %d, recipe %s) from %d studio photos on %d backgrounds; %d failed; %.1f ms of a "
            + "core per scene; %.1fs", scenes, labels, scenesPerLabel, recipe, studioPhotos, backgroundPhotos, failed,
        millisPerScene, wallSeconds);
  }
}
