package com.fruits.spark;

import com.fruits.core.image.FailureReason;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.storage.HadoopFiles;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.ToLongFunction;

/**
 * Reads the files of the next items while the task decodes and runs the current ones, so that storage latency (a
 * cold disk, an object store's round trips) hides behind inference instead of idling a core. Items come out in
 * input order; at most {@code maxItems} files, and at most {@code maxBytes} of them (by their listed sizes; one file
 * is always allowed), are read ahead. A file that cannot be read comes out as its {@link ImageDecodeException}.
 *
 * <p>Each pool job reads a group of consecutive files, sized from the mean time a read has taken so far: about
 * {@value #GROUP_BUDGET_MICROS} µs of reading, one file when that is not known yet or a file takes longer (an object
 * store), up to half the files allowed ahead when reads are quick (a local disk, a warm page cache). A job per file
 * would wake a pool thread, which takes a core from a task, for every photo: with the page cache warm that cost
 * about 2 % of the featurize stage's CPU, ten times what the reads themselves took.
 *
 * <p>Not thread-safe: one task's thread drives it; the reads run on a JVM-wide pool of daemon threads.
 */
final class ReadAhead<T> {
  /** Reads one item's file; called on a pool thread. */
  @FunctionalInterface
  interface FileReader<T> {
    byte[] read(T item) throws ImageDecodeException;
  }

  /** An item and its file's bytes, or the reason they could not be read. */
  record Read<T>(T item, byte[] bytes, ImageDecodeException failure) {}

  private record Pending<T>(T item, long bytes, CompletableFuture<byte[]> content) {}

  /** About how long one pool job may spend reading its group of files. */
  static final long GROUP_BUDGET_MICROS = 1000;

  /**
   * Threads that wait on storage, not cores: four per core (at least 8), so that an executor with many cores can keep
   * enough object-store requests in flight (at 30 ms a request, a thread reads about 33 files a second).
   */
  static final int POOL_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

  private static final ExecutorService POOL = Executors.newFixedThreadPool(POOL_THREADS, runnable -> {
    Thread thread = new Thread(runnable, "fruits-read-ahead");
    thread.setDaemon(true);
    return thread;
  });

  private final Iterator<T> items;
  private final ToLongFunction<T> size;
  private final FileReader<T> reader;
  private final int maxItems;
  private final long maxBytes;
  private final Executor executor;
  private final ArrayDeque<Pending<T>> pending = new ArrayDeque<>();
  private long pendingBytes;
  /**
   * Mean nanoseconds of a read (exponentially weighted), 0 until one has finished. Written by the pool's threads
   * without a lock: a lost update only delays the estimate.
   */
  private volatile long meanReadNanos;

  ReadAhead(Iterator<T> items, ToLongFunction<T> size, FileReader<T> reader, int maxItems, long maxBytes) {
    this(items, size, reader, maxItems, maxBytes, POOL);
  }

  ReadAhead(Iterator<T> items, ToLongFunction<T> size, FileReader<T> reader, int maxItems, long maxBytes,
      Executor executor) {
    if (maxItems < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("maxItems and maxBytes must be positive");
    }
    this.items = items;
    this.size = size;
    this.reader = reader;
    this.maxItems = maxItems;
    this.maxBytes = maxBytes;
    this.executor = executor;
  }

  boolean hasNext() {
    return !pending.isEmpty() || items.hasNext();
  }

  /** The item {@link #next} returns next, without waiting for its bytes. */
  T peek() {
    topUp();
    Pending<T> head = pending.peek();
    if (head == null) {
      throw new NoSuchElementException();
    }
    return head.item();
  }

  /** The next item with its bytes; blocks until they are read. */
  Read<T> next() throws InterruptedException {
    topUp();
    Pending<T> head = pending.poll();
    if (head == null) {
      throw new NoSuchElementException();
    }
    pendingBytes -= head.bytes();
    topUp();
    try {
      return new Read<>(head.item(), head.content().get(), null);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ImageDecodeException failure) {
        return new Read<>(head.item(), null, failure);
      }
      return new Read<>(head.item(), null, readFailure(e.getCause()));
    }
  }

  /** The error row's reason for a file that could not be read. */
  static ImageDecodeException readFailure(Throwable cause) {
    return new ImageDecodeException(FailureReason.READ_ERROR, "cannot read file (" + HadoopFiles.oneLine(cause) + ")",
        cause);
  }

  /** Abandons the reads in flight (the task ended early). */
  void cancel() {
    for (Pending<T> p : pending) {
      p.content().cancel(true);
    }
    pending.clear();
    pendingBytes = 0;
  }

  /** Files per pool job: as many as fit in {@link #GROUP_BUDGET_MICROS} at the mean read time, 1 to half the limit. */
  int groupSize() {
    long mean = meanReadNanos;
    if (mean <= 0) {
      return 1;
    }
    return (int) Math.max(1, Math.min(Math.max(1, maxItems / 2), GROUP_BUDGET_MICROS * 1000 / mean));
  }

  /** Starts reading further items in groups, once a whole group fits under the limits (or nothing is pending). */
  private void topUp() {
    int group = groupSize();
    while (items.hasNext() && (pending.isEmpty() || pending.size() + group <= maxItems && pendingBytes < maxBytes)) {
      List<Pending<T>> job = new ArrayList<>(group);
      while (job.size() < group && items.hasNext() && pending.size() < maxItems
          && (pending.isEmpty() || pendingBytes < maxBytes)) {
        T item = items.next();
        long bytes = Math.max(0, size.applyAsLong(item));
        Pending<T> read = new Pending<>(item, bytes, new CompletableFuture<>());
        job.add(read);
        pending.add(read);
        pendingBytes += bytes;
      }
      executor.execute(() -> job.forEach(this::read));
    }
  }

  private void read(Pending<T> read) {
    if (read.content().isDone()) { // cancelled
      return;
    }
    long started = System.nanoTime();
    try {
      read.content().complete(reader.read(read.item()));
    } catch (Throwable e) {
      read.content().completeExceptionally(e);
    }
    long took = Math.max(1, System.nanoTime() - started);
    long mean = meanReadNanos;
    meanReadNanos = mean == 0 ? took : mean + (took - mean) / 8;
  }
}
