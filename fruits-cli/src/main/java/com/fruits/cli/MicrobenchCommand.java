package com.fruits.cli;

import com.fruits.bench.Microbenchmarks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
    // no JMH type may appear here: the job jar leaves JMH out, and picocli loads every command's class
    Microbenchmarks.run(jmhOptions.toArray(String[]::new));
    return 0;
  }
}
