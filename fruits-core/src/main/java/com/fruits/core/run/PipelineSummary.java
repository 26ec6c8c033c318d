package com.fruits.core.run;

import java.util.Map;

/**
 * What {@code fruits pipeline} did, written as {@link RunFolder#PIPELINE_SUMMARY}: each stage's status (ran, reused
 * and why, skipped) and seconds, and the summaries of the stages' outputs, reused ones included.
 *
 * @param synthesize null where nothing is synthesized (no studio source)
 * @param report where the HTML report is
 */
public record PipelineSummary(Map<String, String> stages, Map<String, Double> stageSeconds, double wallSeconds,
    SynthesizeSummary synthesize, FeaturizeSummary featurize, ReduceSummary reduce, TrainSummary train,
    String report) {}
