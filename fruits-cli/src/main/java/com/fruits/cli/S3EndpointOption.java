package com.fruits.cli;

import picocli.CommandLine.Option;

/** {@code --s3-endpoint}, for every command that reads or writes {@code s3a://} paths (a picocli mixin). */
final class S3EndpointOption {
  @Option(names = "--s3-endpoint", paramLabel = "URL",
      description = "An S3-compatible store's endpoint for s3a:// paths, e.g. http://127.0.0.1:9000 (path-style access; "
          + "credentials from the AWS default chain or the Hadoop configuration, never from flags).")
  String endpoint;
}
