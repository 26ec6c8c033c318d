package com.fruits.cli;

import com.fruits.core.FruitsException;
import com.fruits.core.run.RunFolder;
import com.fruits.report.ReportBuilder;
import com.fruits.storage.HadoopFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The HTML report of a run folder wherever it is. The report reads local files, so for a run folder on object storage
 * ({@code s3a://…}) the few small files it reads (summaries, CSVs, one synthetic scene per label) are staged in a
 * temporary folder first, and the page is written back beside them; Parquet tables and models are never copied.
 */
final class RunFolderReport {
  /** Larger files are not report inputs (tables, models). */
  private static final long MAX_STAGED_BYTES = 64L * 1024 * 1024;

  private RunFolderReport() {}

  /** Whether {@code uri} is a path on this machine (no scheme, or {@code file:}). */
  private static boolean isLocal(String uri) {
    return !uri.contains("://") && !uri.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*") || uri.startsWith("file:");
  }

  /**
   * Writes the report of {@code run} to {@code out}, or to {@code report.html} inside the run folder when {@code out}
   * is null; returns where it is.
   */
  static String write(String run, Path out, Configuration conf) {
    boolean local = isLocal(run);
    Path folder = local ? (run.startsWith("file:") ? Path.of(java.net.URI.create(run)) : Path.of(run))
        : stage(run, conf);
    try {
      Path page = out != null ? out : folder.resolve(RunFolder.REPORT);
      ReportBuilder.write(ReportBuilder.RunLayout.of(folder), page);
      if (local || out != null) {
        return page.toString();
      }
      String target = HadoopFiles.child(run, RunFolder.REPORT);
      HadoopFiles.writeBytes(target, Files.readAllBytes(page), conf);
      return target;
    } catch (IOException e) {
      throw new FruitsException("cannot write the report of " + run + ": " + HadoopFiles.oneLine(e));
    } finally {
      if (!local) {
        deleteQuietly(folder);
      }
    }
  }

  /** A local copy of what the report reads from the run folder {@code run}; the caller deletes it. */
  private static Path stage(String run, Configuration conf) {
    try {
      Path local = Files.createTempDirectory("fruits-run-");
      FileSystem fs = HadoopFiles.fileSystem(run, conf);
      org.apache.hadoop.fs.Path root = fs.makeQualified(new org.apache.hadoop.fs.Path(run));
      String prefix = root.toString().endsWith("/") ? root.toString() : root + "/";
      Set<String> sceneFolders = new HashSet<>();
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
      while (files.hasNext()) {
        LocatedFileStatus file = files.next();
        String relative = file.getPath().toString().substring(prefix.length());
        if (file.getLen() <= MAX_STAGED_BYTES && readByReport(relative, sceneFolders)) {
          Path target = local.resolve(relative);
          Files.createDirectories(target.getParent());
          try (InputStream in = fs.open(file.getPath())) {
            Files.copy(in, target);
          }
        }
      }
      return local;
    } catch (IOException e) {
      throw new FruitsException("cannot read the run folder " + run + ": " + HadoopFiles.oneLine(e));
    }
  }

  /** Summaries and CSVs outside tables and Spark models, and the first synthetic scene of each label. */
  static boolean readByReport(String relative, Set<String> sceneFolders) {
    if (relative.contains("/" + RunFolder.TABLE + "/") || relative.contains(RunFolder.SPARK_MODEL + "/")
        || relative.contains("/" + RunFolder.SCENES + "/") || relative.contains("/_temporary/")) {
      return false;
    }
    if (relative.startsWith(RunFolder.SYNTHETIC + "/" + RunFolder.SCENE_IMAGES + "/") && relative.endsWith(".jpg")) {
      return sceneFolders.add(relative.substring(0, relative.lastIndexOf('/')));
    }
    return relative.endsWith(".json") || relative.endsWith(".csv");
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder: the OS cleans it
    }
  }
}
