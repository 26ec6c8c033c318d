package com.fruits.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fruits.core.TestImages;
import com.fruits.core.run.RunFolder;
import com.fruits.storage.HadoopFiles;
import com.fruits.storage.LoopbackS3;
import com.fruits.storage.ObjectTransfer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole pipeline with both its photos and its run folder in a bucket of a real S3 server on loopback. */
class S3PipelineTest {
  private static final List<String> LABELS = List.of("Lemon", "Kiwi", "Strawberry");

  private Map<String, String> settings = Map.of();

  @AfterEach
  void clear() {
    settings.keySet().forEach(key -> System.clearProperty("spark.hadoop." + key));
  }

  @Test
  void runsToTheEndAndWritesItsReportIntoTheBucket(@TempDir Path dir) throws Exception {
    Path images = dir.resolve("images");
    TestImages.studioFolder(images, LABELS, 8, 3);
    try (LoopbackS3 s3 = new LoopbackS3()) {
      s3.createBucket("fruits");
      settings = s3.settings(LoopbackS3.ACCESS_KEY, LoopbackS3.SECRET_KEY);
      settings.forEach((key, value) -> System.setProperty("spark.hadoop." + key, value));
      Configuration conf = s3.configuration(LoopbackS3.ACCESS_KEY, LoopbackS3.SECRET_KEY);
      ObjectTransfer.copy(images.toString(), "s3a://fruits/images", conf, 4);

      ByteArrayOutputStream log = new ByteArrayOutputStream();
      PrintStream previous = System.err;
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      int exit;
      try {
        exit = FruitsCommand.commandLine().execute("pipeline", "--images", "s3a://fruits/images",
            "--work", "s3a://fruits/work", "--s3-endpoint", s3.endpoint(), "--no-progress",
            "--model-spec", TestImages.modelSpec("mobilenetv2").toString(), "--study", "all", "--reg", "0.01");
      } finally {
        System.setErr(previous);
      }
      String output = log.toString(StandardCharsets.UTF_8);
      assertThat(exit).as(output).isZero();
      // the classic committer leaves an empty _SUCCESS; S3A committers write a JSON manifest naming themselves
      JsonNode committed = new ObjectMapper().readTree(
          HadoopFiles.readString(HadoopFiles.child("s3a://fruits/work/features", RunFolder.TABLE) + "/_SUCCESS", conf));
      assertThat(committed.path("committer").asText()).isEqualTo("magic");
      assertThat(committed.path("filenames")).isNotEmpty();

      JsonNode summary = new ObjectMapper().readTree(
          HadoopFiles.readString("s3a://fruits/work/pipeline-summary.json", conf));
      assertThat(summary.path("report").asText()).isEqualTo("s3a://fruits/work/report.html");
      assertThat(summary.path("stages").path("train").asText()).isEqualTo("ran");
      String html = HadoopFiles.readString("s3a://fruits/work/report.html", conf);
      assertThat(html).contains("Explained variance", "Real photos", "data:image/png;base64,")
          .doesNotContain("Not available", LoopbackS3.SECRET_KEY);
    }
  }
}
