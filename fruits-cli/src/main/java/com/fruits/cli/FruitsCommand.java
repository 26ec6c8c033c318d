package com.fruits.cli;

import com.fruits.core.ExitCodes;
import com.fruits.storage.Redaction;
import com.fruits.storage.StorageErrors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code fruits} command: a thin entry point over the job classes. */
@Command(name = "fruits", mixinStandardHelpOptions = true, version = "fruits 0.1.0",
    description = {"Fruit recognition at scale: featurize photos with a pretrained CNN on Spark, reduce, train, report.",
        "The app (serve, calibrate, bench-serve) runs without Spark: see com.fruits.server.cli.ServeMain."},
    subcommands = {SynthesizeCommand.class, FeaturizeCommand.class, ReduceCommand.class, TrainCommand.class, ReportCommand.class,
      PipelineCommand.class, BenchCommand.class, MicrobenchCommand.class,
      TransferCommand.Upload.class, TransferCommand.Download.class,
      CommandLine.HelpCommand.class})
public final class FruitsCommand implements Runnable {
  public static final int EXIT_FAILURE = ExitCodes.FAILURE;
  public static final int EXIT_USAGE = ExitCodes.USAGE;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (synthesize, featurize, reduce, train, report, pipeline, upload, download, bench, microbench)");
  }

  public static void main(String[] args) {
    int code = commandLine().execute(args);
    System.exit(code);
  }

  /** The configured command line: one readable line for any usage or run error, never a stack trace. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new FruitsCommand());
    cli.setParameterExceptionHandler((e, args) -> ExitCodes.usage(e.getMessage(),
        e.getCommandLine().getCommandSpec().qualifiedName(), e.getCommandLine().getErr()));
    cli.setExecutionExceptionHandler((e, command, parsed) -> ExitCodes.report(e, command.getErr(),
        failure -> StorageErrors.recognize("the storage", failure).map(Exception::getMessage), Redaction::text));
    return cli;
  }
}
