package com.fruits.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.CliReference;
import com.fruits.core.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The app's command line follows the same exit codes as the Spark side's: 2 for usage, 1 for failures. */
class ServeMainTest {
  private record Run(int code, String err) {}

  private static Run run(String... args) {
    CommandLine cli = ServeMain.commandLine();
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err, true));
    return new Run(cli.execute(args), err.toString());
  }

  @Test
  void theCliReferenceInDocsIsGeneratedFromTheseCommands() throws Exception {
    CliReference.check(CliReference.render(ServeMain.commandLine(), "CLI reference: the app",
        "`./fruits serve|calibrate|bench-serve` runs these without Spark on the classpath; the pipeline's commands are "
            + "in [cli.md](cli.md). Exit codes: 0 success, 1 failure, 2 usage error."),
        "docs/cli-app.md");
  }

  @Test
  void valuesThatMakeNoSenseAreAUsageErrorOnOneLine() {
    Run badPort = run("serve", "--bundle", "b", "--port", "70000");
    assertThat(badPort.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(badPort.err().strip()).isEqualTo("fruits: ports must be in 0..65535");
    Run negativeRate = run("serve", "--bundle", "b", "--rate-limit", "-3");
    assertThat(negativeRate.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run("serve", "--bogus").code()).isEqualTo(ExitCodes.USAGE);
    Run badDevice = run("serve", "--bundle", "b", "--device", "gpu");
    assertThat(badDevice.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(badDevice.err().strip()).isEqualTo("fruits: --device must be cpu, cuda or auto, not 'gpu'");
  }

  @Test
  void aMissingBundleIsAFailureOnOneLine() {
    Run missing = run("serve", "--bundle", "/no/such/bundle", "--port", "0");
    assertThat(missing.code()).isEqualTo(ExitCodes.FAILURE);
    assertThat(missing.err().lines()).hasSize(1).first().asString().startsWith("fruits: error:");
    for (String command : new String[] {"calibrate", "bench-serve"}) {
      Run run = run(command, "--bundle", "/no/such/bundle");
      assertThat(run.code()).as(command).isEqualTo(ExitCodes.FAILURE);
      assertThat(run.err().lines()).as(command).hasSize(1).first().asString()
          .isEqualTo("fruits: error: no bundle at /no/such/bundle (missing /no/such/bundle/bundle.json)");
    }
  }
}
