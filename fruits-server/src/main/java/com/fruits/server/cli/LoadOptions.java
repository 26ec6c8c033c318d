package com.fruits.server.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** How hard and how long {@code bench-serve} loads the app (a picocli mixin). */
final class LoadOptions {
  @Option(names = "--clients", defaultValue = "4", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--warmup", defaultValue = "30", description = "Unmeasured seconds of load first, until the JIT "
      + "compiler has settled (default: ${DEFAULT-VALUE}).")
  double warmup;

  Duration measured() {
    return Duration.ofMillis((long) (1000 * seconds));
  }

  Duration unmeasuredFirst() {
    return Duration.ofMillis((long) (1000 * warmup));
  }
}
