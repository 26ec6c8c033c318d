package com.fruits.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * Waits for the JVM's JIT compilers to work off their queue. Starting Spark, planning queries (Janino compiles the
 * generated code, the closure cleaner reads class files) and the bench's warm-up run leave the compilers work
 * queued (on 2 cores, about 1.3 s of it after a 256-image warm-up), which a measurement started straight away would
 * share the cores with.
 */
public final class CompilerQuiescence {
  /** Quiet means under this many milliseconds of compilation in each of {@link #QUIET_POLLS} polls in a row. */
  private static final long QUIET_MILLIS = 5;
  private static final int QUIET_POLLS = 4;
  private static final long POLL_MILLIS = 250;

  private CompilerQuiescence() {}

  /** The JVM's JIT compiler, where it reports its compilation time; else null. */
  private static CompilationMXBean timedCompiler() {
    CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    return compiler != null && compiler.isCompilationTimeMonitoringSupported() ? compiler : null;
  }

  /** Seconds the JIT compilers have spent compiling since the JVM started (0 where the JVM cannot tell). */
  public static double secondsCompiled() {
    CompilationMXBean compiler = timedCompiler();
    return compiler == null ? 0 : compiler.getTotalCompilationTime() / 1000.0;
  }

  /** Blocks until the compilers are quiet, at most {@code maxSeconds}; returns the seconds waited. */
  public static double await(double maxSeconds) throws InterruptedException {
    long started = System.nanoTime();
    CompilationMXBean compiler = timedCompiler();
    if (compiler == null) {
      return 0;
    }
    long deadline = started + (long) (maxSeconds * 1e9);
    long last = compiler.getTotalCompilationTime();
    int quiet = 0;
    while (quiet < QUIET_POLLS && System.nanoTime() < deadline) {
      Thread.sleep(POLL_MILLIS);
      long now = compiler.getTotalCompilationTime();
      quiet = now - last < QUIET_MILLIS ? quiet + 1 : 0;
      last = now;
    }
    return (System.nanoTime() - started) / 1e9;
  }
}
