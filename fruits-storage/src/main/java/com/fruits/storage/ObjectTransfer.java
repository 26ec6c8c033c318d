package com.fruits.storage;

import com.fruits.core.FruitsException;
import com.fruits.core.Hashing;
import com.fruits.core.progress.ProgressBar;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.EtagSource;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * {@code fruits upload} and {@code fruits download}: copies every file under one folder or prefix to another, in
 * parallel, through Hadoop's file systems (local disk, s3a, ...). Resumable: an object whose size — and, where the
 * store gives a plain MD5 ETag, content hash — already matches is skipped, and an object only appears once it is
 * whole (S3 publishes an upload on completion; local files are written under a temporary name and renamed), so a
 * run cut off half-way leaves nothing half-written and a rerun finishes the job without duplicates.
 */
public final class ObjectTransfer {
  /** What a transfer did. */
  public record Summary(String from, String to, int objects, int copied, int skipped, long bytesCopied,
      long bytesSkipped, double seconds, double megabytesPerSecond, int threads) {}

  private ObjectTransfer() {}

  public static Summary copy(String from, String to, Configuration conf, int threads) {
    long start = System.nanoTime();
    FileSystem source = fileSystem(from, conf);
    FileSystem target = fileSystem(to, conf);
    Path sourceRoot = source.makeQualified(new Path(from));
    Path targetRoot = target.makeQualified(new Path(to));
    List<FileStatus> files = list(source, sourceRoot, from);
    if (files.isEmpty()) {
      throw new FruitsException("nothing to copy under " + Redaction.uri(from));
    }
    AtomicInteger copied = new AtomicInteger();
    AtomicInteger skipped = new AtomicInteger();
    AtomicLong bytesCopied = new AtomicLong();
    AtomicLong bytesSkipped = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<String> failures = new ArrayList<>();
    try (ProgressBar progress = ProgressBar.onConsole("copy", "objects", files.size())) {
      List<Future<?>> futures = new ArrayList<>();
      for (FileStatus file : files) {
        String relative = sourceRoot.toUri().relativize(file.getPath().toUri()).getPath();
        Path destination = new Path(targetRoot, relative);
        futures.add(pool.submit(() -> {
          try {
            if (matches(file, source, target, destination)) {
              skipped.incrementAndGet();
              bytesSkipped.addAndGet(file.getLen());
            } else {
              copyOne(source, file.getPath(), target, destination);
              copied.incrementAndGet();
              bytesCopied.addAndGet(file.getLen());
            }
          } catch (IOException e) {
            throw StorageErrors.explain(destination.toString(), e);
          } finally {
            progress.advance(1);
          }
          return null;
        }));
      }
      for (Future<?> future : futures) {
        try {
          future.get();
        } catch (ExecutionException e) {
          failures.add(e.getCause().getMessage());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FruitsException("copy interrupted");
    } finally {
      pool.shutdownNow();
    }
    if (!failures.isEmpty()) {
      throw new FruitsException(failures.size() + " of " + files.size() + " objects failed (" + copied.get()
          + " copied; rerun to resume): " + failures.get(0));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Summary(Redaction.uri(from), Redaction.uri(to), files.size(), copied.get(), skipped.get(),
        bytesCopied.get(), bytesSkipped.get(), seconds, bytesCopied.get() / 1e6 / Math.max(seconds, 1e-9), threads);
  }

  private static FileSystem fileSystem(String uri, Configuration conf) {
    try {
      FileSystem fs = new Path(uri).getFileSystem(conf);
      // the raw local file system: no .crc side files next to downloaded photos
      return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
    } catch (IOException e) {
      throw StorageErrors.explain(uri, e);
    }
  }

  private static List<FileStatus> list(FileSystem fs, Path root, String uri) {
    List<FileStatus> files = new ArrayList<>();
    try {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        LocatedFileStatus status = it.next();
        String name = status.getPath().getName();
        if (status.isFile() && !name.startsWith(".") && !name.startsWith("_")) {
          files.add(status);
        }
      }
    } catch (IOException e) {
      throw StorageErrors.explain(uri, e);
    }
    return files;
  }

  /** Whether {@code destination} already holds this file: same size, and same MD5 where an ETag can tell. */
  private static boolean matches(FileStatus file, FileSystem source, FileSystem target, Path destination)
      throws IOException {
    FileStatus existing;
    try {
      existing = target.getFileStatus(destination);
    } catch (java.io.FileNotFoundException e) {
      return false;
    }
    if (existing.getLen() != file.getLen()) {
      return false;
    }
    String targetEtag = plainMd5Etag(existing);
    String etag = targetEtag != null ? targetEtag : plainMd5Etag(file);
    if (etag == null) {
      return true; // size is all either side can tell
    }
    // hash the side that has no ETag of its own (the local file)
    return targetEtag != null ? etag.equals(md5(source, file.getPath())) : etag.equals(md5(target, destination));
  }

  /** The ETag when it is the object's MD5 (single-part uploads): 32 hex digits, without quotes. */
  private static String plainMd5Etag(FileStatus status) {
    if (status instanceof EtagSource source && source.getEtag() != null) {
      String etag = source.getEtag().replace("\"", "");
      return etag.matches("[0-9a-fA-F]{32}") ? etag.toLowerCase(java.util.Locale.ROOT) : null;
    }
    return null;
  }

  private static String md5(FileSystem fs, Path path) throws IOException {
    try (InputStream in = fs.open(path)) {
      return Hashing.hex(Hashing.md5(), in);
    }
  }

  private static void copyOne(FileSystem source, Path from, FileSystem target, Path to) throws IOException {
    boolean objectStore = !"file".equals(target.getUri().getScheme());
    Path writing = objectStore ? to : new Path(to.getParent(), "." + to.getName() + ".part");
    try (InputStream in = source.open(from); OutputStream out = target.create(writing, true)) {
      in.transferTo(out);
    }
    if (!objectStore && !target.rename(writing, to)) {
      target.delete(to, false);
      if (!target.rename(writing, to)) {
        throw new IOException("cannot move " + writing + " to " + to);
      }
    }
  }
}
