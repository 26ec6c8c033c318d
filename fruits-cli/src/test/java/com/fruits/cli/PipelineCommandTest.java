package com.fruits.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fruits.core.BrowserScripts;
import com.fruits.core.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * featurize → reduce → train → report through the command line on one folder laid out like Fruits-360 (no other
 * source, so nothing to synthesize), twice, and the report in real Chromium.
 */
class PipelineCommandTest {
  private static final List<String> LABELS = List.of("Lemon", "Kiwi", "Strawberry");

  @Test
  void wholeChainRunsThenReusesEverythingAndTheReportRendersInChromium(@TempDir Path dir) throws Exception {
    Path images = dir.resolve("images");
    TestImages.studioFolder(images, LABELS, 12, 4);
    Path work = dir.resolve("work");
    String[] args = {"pipeline", "--images", images.toString(), "--work", work.toString(), "--no-progress",
        "--model-spec", TestImages.modelSpec("mobilenetv2").toString(), "--study", "12,all", "--reg", "0.01,0.1"};
    assertThat(FruitsCommand.commandLine().execute(args)).isZero();
    JsonNode first = new ObjectMapper().readTree(work.resolve("pipeline-summary.json").toFile());
    assertThat(first.path("stages").path("reduce").asText()).isEqualTo("ran");
    assertThat(first.path("stages").path("train").asText()).isEqualTo("ran");
    assertThat(first.path("stages").path("synthesize").asText()).startsWith("skipped");
    assertThat(first.path("train").path("labels")).hasSize(LABELS.size()); // the folder names, as before
    assertThat(first.path("train").path("test").path("images").path("speciesTop1").asDouble())
        .isGreaterThanOrEqualTo(0.9);
    Path report = work.resolve("report.html");
    assertThat(report).exists();
    String html = Files.readString(report);
    assertThat(html).contains("Explained variance", "Real photos", "Species top-1 per species", "k versus sample size",
        "data:image/png;base64,")
        .doesNotContain("Not available");

    assertThat(FruitsCommand.commandLine().execute(args)).isZero();
    JsonNode second = new ObjectMapper().readTree(work.resolve("pipeline-summary.json").toFile());
    assertThat(second.path("stages").path("featurize").asText()).isEqualTo("up to date");
    assertThat(second.path("stages").path("reduce").asText()).startsWith("reused");
    assertThat(second.path("stages").path("train").asText()).startsWith("reused");

    // another regularization: only the training runs again
    args[args.length - 1] = "0.02";
    assertThat(FruitsCommand.commandLine().execute(args)).isZero();
    JsonNode third = new ObjectMapper().readTree(work.resolve("pipeline-summary.json").toFile());
    assertThat(third.path("stages").path("reduce").asText()).startsWith("reused");
    assertThat(third.path("stages").path("train").asText()).isEqualTo("ran");
    assertThat(third.path("train").path("regParam").asDouble()).isEqualTo(0.02);

    // another iteration cap: the training runs again too
    String[] capped = Arrays.copyOf(args, args.length + 2);
    capped[args.length] = "--max-iter";
    capped[args.length + 1] = "60";
    assertThat(FruitsCommand.commandLine().execute(capped)).isZero();
    JsonNode fourth = new ObjectMapper().readTree(work.resolve("pipeline-summary.json").toFile());
    assertThat(fourth.path("stages").path("train").asText()).isEqualTo("ran");
    assertThat(fourth.path("train").path("maxIter").asInt()).isEqualTo(60);

    openInChromium(report);
  }

  /** Renders the report with tools/browser/check-page.mjs: no console error, every chart decoded, a screenshot. */
  private static void openInChromium(Path report) throws Exception {
    Path screenshot = TestImages.repoDir().resolve("fruits-cli/target/report-screenshot.png");
    Files.createDirectories(screenshot.getParent());
    String output = BrowserScripts.run("check-page.mjs", report.toUri().toString(), screenshot.toString());
    assertThat(output).contains("\"errors\":[]", "\"brokenImages\":0");
    assertThat(screenshot).exists();
    assertThat(Files.size(screenshot)).isGreaterThan(50_000);
  }
}
