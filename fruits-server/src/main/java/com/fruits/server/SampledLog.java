package com.fruits.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Decides which error lines reach the log: the first of each kind, then at most one per kind and period, which
 * carries the count of those left out. A flood of bad requests costs a few lines a minute instead of filling a disk.
 */
final class SampledLog {
  private final long periodNanos;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  private static final class Window {
    volatile long opened;
    final AtomicLong suppressed = new AtomicLong();

    Window(long opened) {
      this.opened = opened;
    }
  }

  SampledLog(java.time.Duration period, LongSupplier clock) {
    this.periodNanos = period.toNanos();
    this.clock = clock;
  }

  /**
   * -1 when a line of this {@code kind} is to be left out now; otherwise the line may be written, and the result is
   * how many of its kind were left out since the last one written.
   */
  long admit(String kind) {
    long now = clock.getAsLong();
    boolean[] fresh = {false};
    Window window = windows.computeIfAbsent(kind, k -> {
      fresh[0] = true;
      return new Window(now);
    });
    if (fresh[0]) {
      return 0;
    }
    synchronized (window) {
      if (now - window.opened >= periodNanos) {
        window.opened = now;
        return window.suppressed.getAndSet(0);
      }
    }
    window.suppressed.incrementAndGet();
    return -1;
  }
}
