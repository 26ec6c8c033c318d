package com.fruits.bench;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/** Runs the JMH microbenchmarks of {@code com.fruits.bench.jmh} with JMH's own command-line options. */
public final class Microbenchmarks {
  /** Where the benchmarks live: a JMH include pattern matches them all, and none of anyone else's. */
  public static final String PACKAGE = "com.fruits.bench.jmh.";

  private Microbenchmarks() {}

  /**
   * {@code args}: JMH's options ({@code -h} lists them), e.g. {@code -f 1 -wi 2 -i 3 -rf json -rff out.json
   * Preprocess}; without a benchmark pattern, all of ours run.
   */
  public static Collection<RunResult> run(String... args) throws RunnerException, IOException {
    CommandLineOptions options = options(args);
    if (options.getIncludes().isEmpty()) {
      String[] withOurs = Arrays.copyOf(args, args.length + 1);
      withOurs[args.length] = PACKAGE.replace(".", "\\.") + ".*";
      options = options(withOurs);
    }
    if (options.shouldHelp()) {
      options.showHelp();
      return List.of();
    }
    Runner runner = new Runner(options);
    if (options.shouldList()) {
      runner.list();
      return List.of();
    }
    return runner.run();
  }

  /** JMH's options; one it cannot parse is a usage error ({@link IllegalArgumentException}), as any flag's. */
  private static CommandLineOptions options(String... args) {
    try {
      return new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      throw new IllegalArgumentException("JMH: " + e.getMessage(), e);
    }
  }
}
