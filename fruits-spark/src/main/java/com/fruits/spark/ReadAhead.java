package com.fruits.spark;

import com.fruits.core.image.FailureReason;
import com.fruits.core.image.ImageDecodeException;
import java.util.ArrayDeque;
import java.util.Iterator;
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

  private void topUp() {
    while (items.hasNext() && pending.size() < maxItems && (pending.isEmpty() || pendingBytes < maxBytes)) {
      T item = items.next();
      long bytes = Math.max(0, size.applyAsLong(item));
      CompletableFuture<byte[]> content = new CompletableFuture<>();
      executor.execute(() -> {
        try {
          content.complete(reader.read(item));
        } catch (Throwable e) {
          content.completeExceptionally(e);
        }
      });
      pending.add(new Pending<>(item, bytes, content));
      pendingBytes += bytes;
    }
  }
}
