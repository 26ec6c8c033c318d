package com.fruits.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The {@code --master} and {@code --s3-endpoint} options of every command that runs Spark (a picocli mixin). */
final class SparkMasterOption {
  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: what spark-submit set, else local[*]).")
  String master;

  @Mixin S3EndpointOption s3;
}
