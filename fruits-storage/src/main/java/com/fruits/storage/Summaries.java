package com.fruits.storage;

import com.fruits.core.run.RunSummaries;
import org.apache.hadoop.conf.Configuration;

/** Writes run summaries ({@link RunSummaries}' JSON) to any Hadoop file system and reads them back. */
public final class Summaries {
  private Summaries() {}

  public static void write(String uri, Object summary, Configuration conf) {
    HadoopFiles.writeString(uri, RunSummaries.toJson(summary), conf);
  }

  public static <T> T read(String uri, Class<T> type, Configuration conf) {
    return RunSummaries.parse(HadoopFiles.readString(uri, conf), type, uri);
  }
}
