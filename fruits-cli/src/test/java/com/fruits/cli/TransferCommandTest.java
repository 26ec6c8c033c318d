package com.fruits.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.spark.ImageFolders;
import com.fruits.storage.LoopbackS3;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `fruits upload` / `download` against a real S3 server: the final line, and the secret never printed. */
class TransferCommandTest {
  @TempDir Path photos;
  @TempDir Path back;

  private Map<String, String> settings = Map.of();

  private void useCredentials(LoopbackS3 s3, String secret) {
    settings = s3.settings(LoopbackS3.ACCESS_KEY, secret);
    // the way Spark passes Hadoop settings (spark-defaults.conf, --conf, -D): never a command-line flag
    settings.forEach((key, value) -> System.setProperty("spark.hadoop." + key, value));
  }

  @AfterEach
  void clear() {
    settings.keySet().forEach(key -> System.clearProperty("spark.hadoop." + key));
  }

  private record Run(int exit, String output) {}

  private static Run fruits(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream previous = System.out;
    PrintStream capture = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    try {
      CommandLine cli = FruitsCommand.commandLine();
      cli.setErr(new PrintWriter(capture, true));
      return new Run(cli.execute(args), bytes.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(previous);
    }
  }

  @Test
  void uploadsAndDownloadsWithoutEverPrintingTheSecret() throws Exception {
    ImageFolders.copyRealPhotos(photos);
    try (LoopbackS3 s3 = new LoopbackS3()) {
      s3.createBucket("fruits");
      useCredentials(s3, LoopbackS3.SECRET_KEY);
      Run up = fruits("upload", photos.toString(), "s3a://fruits/photos", "--s3-endpoint", s3.endpoint());
      assertThat(up.exit()).as(up.output()).isZero();
      assertThat(up.output()).containsPattern("fruits: \\d+ of \\d+ objects copied \\([0-9.]+ MB\\), 0 already there");
      Run again = fruits("upload", photos.toString(), "s3a://fruits/photos", "--s3-endpoint", s3.endpoint());
      assertThat(again.output()).contains(": 0 of ");
      Run down = fruits("download", "s3a://fruits/photos", back.toString(), "--s3-endpoint", s3.endpoint());
      assertThat(down.exit()).as(down.output()).isZero();

      useCredentials(s3, "wrong-" + LoopbackS3.SECRET_KEY);
      Run denied = fruits("upload", photos.toString(), "s3a://fruits/other", "--s3-endpoint", s3.endpoint());
      assertThat(denied.exit()).isEqualTo(1);
      assertThat(denied.output().lines().filter(l -> l.startsWith("fruits: error:")).toList())
          .singleElement().asString().contains("denied");
      Run missing = fruits("download", "s3a://no-such-bucket/x", back.toString(), "--s3-endpoint", s3.endpoint());
      assertThat(missing.exit()).isEqualTo(1);

      for (Run run : new Run[] {up, again, down, denied, missing}) {
        assertThat(run.output()).doesNotContain(LoopbackS3.SECRET_KEY).doesNotContain("\tat ");
      }
    }
  }
}
