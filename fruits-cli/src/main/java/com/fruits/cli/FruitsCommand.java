package com.fruits.cli;

import com.fruits.core.FruitsException;
import com.fruits.spark.storage.Redaction;
import com.fruits.spark.storage.StorageErrors;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fruits} command: a thin entry point over the job classes. */
@Command(name = "fruits", mixinStandardHelpOptions = true, version = "fruits 0.1.0",
    description = {"Fruit recognition at scale: featurize photos with a pretrained CNN on Spark, reduce, train, report.",
        "The app (serve, calibrate, bench-serve) runs without Spark: see com.fruits.server.cli.ServeMain."},
    subcommands = {SynthesizeCommand.class, FeaturizeCommand.class, ReduceCommand.class, TrainCommand.class, ReportCommand.class,
      PipelineCommand.class, BenchCommand.class,
      TransferCommand.Upload.class, TransferCommand.Download.class,
      CommandLine.HelpCommand.class})
public final class FruitsCommand implements Runnable {
  /** Exit code of a run that failed for a reason the user can fix (missing input, existing output, ...). */
  public static final int EXIT_FAILURE = 1;
  /** Exit code of a command line that could not be understood. */
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (synthesize, featurize, reduce, train, report, pipeline, upload, download, bench)");
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }

  /** The configured command line: one readable line for any usage or run error, never a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new FruitsCommand());
    cli.setParameterExceptionHandler((e, args) -> {
      PrintWriter err = e.getCommandLine().getErr();
      err.println("fruits: " + e.getMessage() + " (see '" + e.getCommandLine().getCommandSpec().qualifiedName()
          + " --help')");
      return EXIT_USAGE;
    });
    cli.setExecutionExceptionHandler((e, command, parsed) -> {
      PrintWriter err = command.getErr();
      if (e instanceof IllegalArgumentException) {
        err.println("fruits: " + e.getMessage());
        return EXIT_USAGE;
      }
      if (e instanceof FruitsException) {
        err.println("fruits: error: " + e.getMessage());
        return EXIT_FAILURE;
      }
      var storage = StorageErrors.recognize("the storage", e);
      if (storage.isPresent()) {
        err.println("fruits: error: " + storage.get().getMessage());
        return EXIT_FAILURE;
      }
      err.println("fruits: unexpected error: " + Redaction.text(String.valueOf(e)));
      if (System.getenv("FRUITS_DEBUG") != null) {
        e.printStackTrace(err);
      } else {
        err.println("fruits: set FRUITS_DEBUG=1 for the stack trace");
      }
      return EXIT_FAILURE;
    });
    return cli;
  }
}
