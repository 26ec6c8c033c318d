package com.fruits.cli;

import picocli.CommandLine.Option;

/** The {@code --master} and {@code --s3-endpoint} options of every command that runs Spark (a picocli mixin). */
final class SparkMasterOption {
  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: what spark-submit set, else local[*]).")
  String master;

  @Option(names = "--s3-endpoint", paramLabel = "URL",
      description = "An S3-compatible store's endpoint for s3a:// paths, e.g. http://127.0.0.1:9000 (path-style access; "
          + "credentials from the AWS default chain or the Hadoop configuration).")
  String s3Endpoint;
}
