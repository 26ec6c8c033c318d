package com.fruits.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fruits.core.TestImages;
import com.fruits.core.featurize.InferenceDevice;
import com.fruits.core.run.FeaturizeSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeaturizeBenchmarkTest {
  private static FeaturizeSummary summary(int threadsPerTask) {
    // 1,000 images in 5 s on 2 cores: 10 ms of core time per image
    return FeaturizeSummary.builder().command("featurize").runId("run").startedAt("2026-12-01T10:00:00Z")
        .input("images").output("out").model("m").specHash("0123456789abcdef").featureDimension(1280)
        .sparkMaster("local[2]").sparkVersion("4.1.0").executors(1).totalCores(2).threadsPerTask(threadsPerTask)
        .batchSize(8).device("cpu").partitions(2).imagesListed(1000).imagesSelected(1000).imagesAlreadyInOutput(0)
        .imagesProcessed(1000).imagesFeaturized(1000).imagesFailed(0).tableRows(1000).supersededRowsDropped(0)
        .stageSeconds(Map.of("featurize", 5.0))
        .taskSeconds(Map.of("read", 0.2, "decodeAndPreprocess", 0.6, "inference", 8.4, "inferenceCallingThreadCpu", 7.8))
        .wallSeconds(6.0).imagesPerSecond(200.0).build();
  }

  @Test
  void splitsTheStageTimePerImageAndCore() {
    assertThat(FeaturizeBenchmark.whereTheTimeGoes(summary(1), 250.0)).isEqualTo("per image and core: featurize stage "
        + "10.00 ms = inference 7.80 ms CPU + 0.60 ms waiting for a core, decode + preprocess 0.60, read 0.20, "
        + "the rest (Parquet, Spark, JIT and GC threads) 0.80; the ceiling: 8.00 ms; inference CPU is 78.0 % of the "
        + "stage's core time");
  }

  @Test
  void withSeveralIntraOpThreadsInferenceIsReportedAsWallClock() {
    assertThat(FeaturizeBenchmark.whereTheTimeGoes(summary(2), 250.0))
        .contains("inference 8.40 ms (wall clock: its CPU is spread over 2 intra-op threads)")
        .contains("the rest (Parquet, Spark, JIT and GC threads) 0.80")
        .doesNotContain("inference CPU is");
  }

  @Test
  void inferenceShareIsInferenceCpuOverTheStagesCoreTimeWithOneIntraOpThread() {
    assertThat(FeaturizeBenchmark.inferenceShare(summary(1))).isCloseTo(0.78, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(FeaturizeBenchmark.inferenceShare(summary(2))).isNaN();
  }

  /** The whole bench, briefly, in phone-photo mode: the photos made, the ceiling, a round, bench.json. */
  @Test
  void runsEndToEndOnPhoneSizePhotosAndWritesItsSummary(@TempDir Path dir) throws Exception {
    Path sources = dir.resolve("sources/Banana");
    TestImages.copyFirst(TestImages.sharedDir().resolve("data/grocery-store/val/Fruit/Banana"), sources, 2);
    FeaturizeBenchmark.Result result = new FeaturizeBenchmark(
        new FeaturizeBenchmark.Workload(sources.getParent(), 2, 100, 0, 1),
        new FeaturizeBenchmark.Settings(TestImages.modelSpec("mobilenetv2"), InferenceDevice.CPU, 2, 0.1, dir),
        line -> {}).run();
    assertThat(result.rounds()).singleElement()
        .satisfies(round -> assertThat(round.endToEnd().imagesFeaturized()).isEqualTo(2));
    assertThat(result.ceiling().imagesPerSecond()).isPositive();
    assertThat(result.ratio()).isPositive();
    assertThat(result.phone().photos()).isEqualTo(2);
    assertThat(result.device()).isEqualTo("cpu");
    JsonNode written = new ObjectMapper().readTree(dir.resolve(FeaturizeBenchmark.SUMMARY).toFile());
    assertThat(written.path("rounds")).hasSize(1);
    assertThat(written.path("cpu").path("model").asText()).isNotEmpty();
    assertThat(Files.list(dir.resolve(FeaturizeBenchmark.PHONE_PHOTOS))).hasSize(2);
  }
}
