package com.fruits.cli;

import com.fruits.report.ReportBuilder;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = "One self-contained HTML report of a run folder (features/, reduced/, model/). No Spark needed.")
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, paramLabel = "DIR", description = "The run folder (as `pipeline --work`).")
  Path run;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The HTML file to write.")
  Path out;

  @Override
  public Integer call() {
    ReportBuilder.write(ReportBuilder.RunLayout.of(run), out);
    System.out.println("fruits: report " + out.toAbsolutePath());
    return 0;
  }
}
