package com.fruits.core.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A console progress bar for long work: redrawn in place on a terminal, or one line every few seconds when the
 * output is a log (CI, a file). Thread-safe: workers call {@link #advance}; rendering is rate-limited.
 */
public final class ProgressBar implements AutoCloseable {
  private static final int WIDTH = 30;

  private final String task;
  private final String unit;
  private final long total;
  private final PrintStream out;
  private final boolean interactive;
  private final long started = System.nanoTime();
  private final AtomicLong done = new AtomicLong();
  private final long intervalNanos;
  private volatile long lastRender;
  private boolean closed;

  public ProgressBar(String task, String unit, long total, PrintStream out, boolean interactive) {
    this.task = task;
    this.unit = unit;
    this.total = total;
    this.out = out;
    this.interactive = interactive;
    this.intervalNanos = interactive ? 200_000_000L : 5_000_000_000L;
    this.lastRender = started;
  }

  /** A bar on standard error, redrawn in place when a terminal is attached. */
  public static ProgressBar onConsole(String task, String unit, long total) {
    return new ProgressBar(task, unit, total, System.err, System.console() != null);
  }

  public void advance(long amount) {
    done.addAndGet(amount);
    long now = System.nanoTime();
    if (now - lastRender >= intervalNanos) {
      synchronized (this) {
        if (now - lastRender >= intervalNanos && !closed) {
          lastRender = now;
          render(false);
        }
      }
    }
  }

  public long done() {
    return done.get();
  }

  private void render(boolean last) {
    long current = done.get();
    double seconds = (System.nanoTime() - started) / 1e9;
    double rate = seconds > 0 ? current / seconds : 0;
    double fraction = total > 0 ? Math.min(1.0, current / (double) total) : 0;
    int filled = (int) Math.round(fraction * WIDTH);
    String eta = rate > 0 && current < total ? String.format(Locale.ROOT, " ETA %ds", Math.round((total - current) / rate)) : "";
    String line = String.format(Locale.ROOT, "%s [%s%s] %3d%% %d/%d %s, %.1f %s/s, %.0fs%s", task,
        "#".repeat(filled), " ".repeat(WIDTH - filled), Math.round(fraction * 100), current, total, unit, rate, unit,
        seconds, eta);
    if (interactive) {
      out.print("\r" + line + (last ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      render(true);
    }
  }
}
