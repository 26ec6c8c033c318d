package com.fruits.server.cli;

import com.fruits.core.ExitCodes;
import java.util.Optional;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The app's side of the {@code fruits} command — {@code serve}, {@code calibrate}, {@code bench-serve} — on a
 * classpath without Spark (the launcher picks this entry point for these commands).
 */
@Command(name = "fruits", mixinStandardHelpOptions = true, version = "fruits 0.1.0",
    description = "The Fruits! app: serve the web app and API over a serving bundle, calibrate it, benchmark it.",
    subcommands = {ServeCommand.class, CalibrateCommand.class, ServeBenchCommand.class, CommandLine.HelpCommand.class})
public final class ServeMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (serve, calibrate, bench-serve)");
  }

  public static void main(String[] args) {
    // quiet the web server's startup chatter; keep our own request log
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel",
        System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
    System.setProperty("org.slf4j.simpleLogger.log.com.fruits",
        System.getProperty("org.slf4j.simpleLogger.log.com.fruits", "info"));
    int code = commandLine().execute(args);
    if (code != 0 || args.length == 0 || !"serve".equals(args[0])) {
      System.exit(code);
    }
  }

  /** The same error policy and exit codes as the Spark side's {@code fruits} ({@link ExitCodes}). */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new ServeMain());
    cli.setParameterExceptionHandler((e, args) -> ExitCodes.usage(e.getMessage(),
        e.getCommandLine().getCommandSpec().qualifiedName(), e.getCommandLine().getErr()));
    cli.setExecutionExceptionHandler((e, command, parsed) -> ExitCodes.report(e, command.getErr(),
        failure -> Optional.empty(), UnaryOperator.identity()));
    return cli;
  }
}
