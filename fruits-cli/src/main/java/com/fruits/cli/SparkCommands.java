package com.fruits.cli;

import com.fruits.spark.SparkSessions;
import java.util.function.Function;
import org.apache.spark.sql.SparkSession;

/** Runs one job in its own SparkSession, prints the job's one-line description, and stops the session. */
final class SparkCommands {
  private SparkCommands() {}

  static int run(String appName, SparkMasterOption options, Function<SparkSession, String> job) {
    SparkSession spark = SparkSessions.create(appName, options.master, options.s3.endpoint);
    try {
      System.out.println("fruits: " + job.apply(spark));
      return 0;
    } finally {
      spark.stop();
    }
  }
}
