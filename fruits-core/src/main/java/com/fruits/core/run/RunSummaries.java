package com.fruits.core.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fruits.core.FruitsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON form of the run summaries ({@link FeaturizeSummary}, {@link ReduceSummary}, {@link TrainSummary},
 * {@link SynthesizeSummary}): pretty-printed, and read back leniently, so that a summary written by an older or newer
 * version (a field more or less) still reads.
 */
public final class RunSummaries {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private RunSummaries() {}

  public static String toJson(Object summary) {
    try {
      return JSON.writeValueAsString(summary) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + summary.getClass().getSimpleName(), e);
    }
  }

  /** {@code json} as a {@code type}; {@code where} names it in the message of a failure. */
  public static <T> T parse(String json, Class<T> type, String where) {
    try {
      return JSON.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new FruitsException("cannot parse " + where + ": " + e.getOriginalMessage());
    }
  }

  /** The summary in a local {@code file}, or null when there is none (a stage that has not run). */
  public static <T> T readIfPresent(Path file, Class<T> type) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return parse(Files.readString(file), type, file.toString());
    } catch (IOException e) {
      throw new FruitsException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
