package com.fruits.cli;

import com.fruits.storage.StorageSettings;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
    description = "One self-contained HTML report of a run folder (features/, reduced/, model/), local or on object "
        + "storage. No Spark needed.")
final class ReportCommand implements Callable<Integer> {
  @Option(names = "--run", required = true, paramLabel = "DIR|URI",
      description = "The run folder (as `pipeline --work`), e.g. work or s3a://bucket/work.")
  String run;

  @Option(names = "--out", paramLabel = "FILE",
      description = "The HTML file to write (default: report.html inside the run folder).")
  Path out;

  @Mixin S3EndpointOption s3;

  @Override
  public Integer call() {
    String report = RunFolderReport.write(run, out, StorageSettings.hadoopConfiguration(s3.endpoint));
    System.out.println("fruits: report " + (out != null ? out.toAbsolutePath().toString() : report));
    return 0;
  }
}
