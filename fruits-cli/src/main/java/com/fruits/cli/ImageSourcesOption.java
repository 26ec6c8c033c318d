package com.fruits.cli;

import java.util.List;
import picocli.CommandLine.Option;

/** The {@code --images} option of the commands that read photo sources (a picocli mixin). */
final class ImageSourcesOption {
  @Option(names = "--images", required = true, split = ",", paramLabel = "[NAME=]URI",
      description = "Image sources: folders or bucket prefixes of .jpg/.jpeg/.png photos, read recursively (file:, "
          + "s3a:, hdfs:), with Training/, Test/, train/ or val/ inside where they have splits; NAME (default: the "
          + "folder's name) selects the taxonomy's rules.")
  List<String> images;

  /** The sources as one comma-separated list, as the jobs take them. */
  String joined() {
    return String.join(",", images);
  }
}
