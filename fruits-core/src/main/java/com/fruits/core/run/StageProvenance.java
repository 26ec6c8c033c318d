package com.fruits.core.run;

/**
 * What a stage that reads a feature table ran on and wrote, in its summary as {@code provenance}: the fingerprint
 * and spec hash tell {@code fruits pipeline} whether its output still matches the table.
 *
 * @param command the command that wrote the summary ({@code reduce}, {@code train})
 * @param startedAt when it started, ISO-8601 UTC
 * @param features the feature table's folder it read
 * @param output its output folder
 * @param inputFingerprint the feature table's files (names, sizes, times) when it read them
 * @param specHash the hash of the model spec the features were computed with
 */
public record StageProvenance(String command, String startedAt, String features, String output,
    String inputFingerprint, String specHash) {}
