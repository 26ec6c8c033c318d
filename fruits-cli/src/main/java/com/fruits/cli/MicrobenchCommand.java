package com.fruits.cli;

import com.fruits.bench.Microbenchmarks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

@Command(name = "microbench",
    description = "JMH microbenchmarks of the per-image work: decode + preprocess (a studio and a 12 MP photo) and one "
        + "inference call (batch 1 and 8). Takes JMH's own options, e.g. `-f 1 -wi 2 -i 3 Preprocess`; `-h` lists "
        + "them.")
final class MicrobenchCommand implements Callable<Integer> {
  @Unmatched
  List<String> jmhOptions = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    try {
      Microbenchmarks.run(jmhOptions.toArray(String[]::new));
    } catch (CommandLineOptionException e) {
      throw new IllegalArgumentException("JMH: " + e.getMessage(), e); // a usage error: exit code 2
    }
    return 0;
  }
}
