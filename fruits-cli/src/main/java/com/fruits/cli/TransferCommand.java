package com.fruits.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fruits.storage.ObjectTransfer;
import com.fruits.storage.StorageSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fruits upload} and {@code fruits download}: one transfer, either way. No Spark. */
abstract class TransferCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FROM", description = "Source folder or prefix (a path, file:, s3a://...).")
  String from;

  @Parameters(index = "1", paramLabel = "TO", description = "Destination folder or prefix.")
  String to;

  @Option(names = "--threads", defaultValue = "16", description = "Objects in flight at once (default: ${DEFAULT-VALUE}).")
  int threads;

  @Mixin S3EndpointOption s3;

  @Option(names = "--summary", paramLabel = "FILE", description = "Also write the summary as JSON to FILE.")
  Path summaryFile;

  @Override
  public Integer call() throws Exception {
    ObjectTransfer.Summary s = ObjectTransfer.copy(from, to, StorageSettings.hadoopConfiguration(s3.endpoint), threads);
    if (summaryFile != null) {
      Files.writeString(summaryFile, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(s));
    }
    System.out.printf(Locale.ROOT, "fruits: %d of %d objects copied (%.1f MB), %d already there (%.1f MB) in %.1fs: "
            + "%.1f MB/s, %s -> %s%n", s.copied(), s.objects(), s.bytesCopied() / 1e6, s.skipped(),
        s.bytesSkipped() / 1e6, s.seconds(), s.megabytesPerSecond(), s.from(), s.to());
    return 0;
  }

  @Command(name = "upload", mixinStandardHelpOptions = true,
      description = "Copy a local folder to object storage (parallel, resumable: objects whose size/ETag match are "
          + "skipped). Credentials come from the AWS default chain or the Hadoop configuration, never from flags.")
  static final class Upload extends TransferCommand {}

  @Command(name = "download", mixinStandardHelpOptions = true,
      description = "Copy a prefix of object storage to a local folder (parallel, resumable).")
  static final class Download extends TransferCommand {}
}
