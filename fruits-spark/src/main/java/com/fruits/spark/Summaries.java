package com.fruits.spark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;

/** Writes run summaries as pretty JSON to any Hadoop file system. */
public final class Summaries {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Summaries() {}

  public static String toJson(Object summary) {
    try {
      return JSON.writeValueAsString(summary) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + summary.getClass().getSimpleName(), e);
    }
  }

  public static void write(String uri, Object summary, Configuration conf) {
    HadoopFiles.writeString(uri, toJson(summary), conf);
  }

  public static <T> T read(String uri, Class<T> type, Configuration conf) {
    try {
      return JSON.readValue(HadoopFiles.readString(uri, conf), type);
    } catch (JsonProcessingException e) {
      throw new com.fruits.core.FruitsException("cannot parse " + uri + ": " + e.getOriginalMessage());
    }
  }
}
