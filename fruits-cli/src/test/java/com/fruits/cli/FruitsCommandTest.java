package com.fruits.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.CliReference;
import com.fruits.core.TestImages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's contract: exit codes and one readable line for every mistake, before Spark starts. */
class FruitsCommandTest {
  record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = FruitsCommand.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private static void assertOneLine(Run run, int code, String expected) {
    assertThat(run.code()).as(run.err()).isEqualTo(code);
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).contains(expected);
  }

  @Test
  void theCliReferenceInDocsIsGeneratedFromTheseCommands() throws Exception {
    CliReference.check(CliReference.render(FruitsCommand.commandLine(), "CLI reference: the pipeline",
        "`./fruits COMMAND` runs these with Spark on the classpath (`local[*]`, or `--master` for a cluster); the app's "
            + "commands are in [cli-app.md](cli-app.md). Exit codes: 0 success, 1 failure, 2 usage error."),
        "docs/cli.md");
  }

  @Test
  void unknownFlagIsAUsageError() {
    assertOneLine(run("featurize", "--images", "x", "--out", "y", "--bogus"), FruitsCommand.EXIT_USAGE,
        "fruits: Unknown option: '--bogus' (see 'fruits featurize --help')");
  }

  @Test
  void missingRequiredFlagIsAUsageError() {
    assertOneLine(run("featurize", "--out", "y"), FruitsCommand.EXIT_USAGE,
        "Missing required option: '--images=[NAME=]URI'");
  }

  @Test
  void badNumberIsAUsageError() {
    assertOneLine(run("featurize", "--images", "x", "--out", "y", "--batch-size", "many"), FruitsCommand.EXIT_USAGE,
        "Invalid value for option '--batch-size': 'many' is not an int");
  }

  @Test
  void contradictoryFlagsAreAUsageError() {
    assertOneLine(run("featurize", "--images", "x", "--out", "y", "--resume", "--overwrite"), FruitsCommand.EXIT_USAGE,
        "fruits: --overwrite and --resume cannot be used together");
  }

  @Test
  void anUnknownDeviceIsAUsageError() {
    assertOneLine(run("featurize", "--images", "x", "--out", "y", "--device", "gpu"), FruitsCommand.EXIT_USAGE,
        "fruits: --device must be cpu, cuda or auto, not 'gpu'");
  }

  @Test
  void badSceneOptionsAreAUsageErrorEvenWhenNoScenesWouldBeMade() {
    // one source and no --studio: the pipeline makes no scenes, and must still not take a typo for a choice
    assertOneLine(run("pipeline", "--images", "x", "--work", "y", "--transforms", "pile,sparkles"),
        FruitsCommand.EXIT_USAGE, "fruits: --transforms: unknown scene transform 'sparkles'");
    assertOneLine(run("synthesize", "--studio", "x", "--backgrounds", "x", "--out", "y", "--scenes-per-label", "-1"),
        FruitsCommand.EXIT_USAGE, "fruits: --scenes-per-label must be 0 or more, not -1");
  }

  @Test
  void aHeadVetoOutsideZeroToOneIsAUsageError() {
    assertOneLine(run("train", "--features", "x", "--out", "y", "--head-veto", "2"), FruitsCommand.EXIT_USAGE,
        "fruits: --head-veto must be in [0, 1] (0: no veto), not 2.0");
    assertOneLine(run("pipeline", "--images", "x", "--work", "y", "--head-veto", "-0.5"), FruitsCommand.EXIT_USAGE,
        "fruits: --head-veto must be in [0, 1] (0: no veto), not -0.5");
  }

  @Test
  void aBadJmhOptionIsAUsageError() {
    assertOneLine(run("microbench", "-f", "many"), FruitsCommand.EXIT_USAGE,
        "fruits: JMH: Cannot parse argument 'many' of option f");
  }

  @Test
  void missingInputFailsBeforeSparkStarts() {
    assertOneLine(run("featurize", "--images", "/no/such/photos", "--out", "y"), FruitsCommand.EXIT_FAILURE,
        "fruits: error: input path does not exist: /no/such/photos");
  }

  @Test
  void modelThatDoesNotMatchItsSpecFailsBeforeSparkStarts(@TempDir Path dir) throws Exception {
    String spec = Files.readString(TestImages.modelSpec("mobilenetv2"))
        .replace("\"name\": \"input\"", "\"name\": \"pixels\"")
        .replace("../../shared", TestImages.sharedDir().toString());
    Path file = Files.writeString(dir.resolve("wrong.json"), spec);
    Run run = run("featurize", "--images", TestImages.fruitsDir().toString(), "--out", dir.resolve("out").toString(),
        "--model-spec", file.toString());
    assertOneLine(run, FruitsCommand.EXIT_FAILURE,
        "fruits: error: model spec 'mobilenetv2-imagenet' does not match the ONNX graph: no input named 'pixels'");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void anUnseenSourceThatIsNoneOfTheImagesIsAUsageError(@TempDir Path dir) {
    Run run = run("pipeline", "--images", "studio=" + TestImages.fruitsDir(), "--unseen", "grocery", "--work",
        dir.resolve("work").toString());
    assertOneLine(run, FruitsCommand.EXIT_USAGE, "fruits: --unseen grocery is none of the --images sources [studio]");
    assertThat(dir.resolve("work")).doesNotExist();
  }

  @Test
  void aViewShareForNoSourceIsAUsageError(@TempDir Path dir) {
    String images = "studio=" + TestImages.fruitsDir();
    String spec = TestImages.modelSpec("mobilenetv2").toString();
    assertOneLine(run("featurize", "--images", images, "--out", dir.resolve("f").toString(), "--model-spec", spec,
        "--views", "stuido=0.5"), FruitsCommand.EXIT_USAGE,
        "fruits: a view share names 'stuido', none of the sources [studio]");
    assertOneLine(run("pipeline", "--images", images, "--work", dir.resolve("w").toString(), "--model-spec", spec,
        "--views", "default=1,x=0"), FruitsCommand.EXIT_USAGE,
        "fruits: a view share names 'x', none of the sources [studio, synthetic]");
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void missingSpecFileIsOneLine() {
    assertOneLine(run("featurize", "--images", ".", "--out", "y", "--model-spec", "/no/spec.json"),
        FruitsCommand.EXIT_FAILURE, "fruits: error: model spec not found: /no/spec.json");
  }

  @Test
  void noCommandIsAUsageError() {
    assertThat(run().code()).isEqualTo(FruitsCommand.EXIT_USAGE);
  }
}
