package com.fruits.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How {@code fruits serve} runs.
 *
 * @param bundleDir the serving bundle ({@code fruits train --out})
 * @param catalogFile fruit cards to use instead of the bundled {@code catalog/fruits.yaml}; null for the bundled one
 * @param host interface to listen on
 * @param port TCP port; 0 picks a free one
 * @param maxUploadBytes largest photo accepted (larger: 413)
 * @param maxPixels largest pixel count a photo's header may claim (decompression-bomb guard: 422)
 * @param idleTimeout how long a connection may stay silent, e.g. a client that stops sending mid-upload
 * @param queueTimeout how long a request may wait for an inference slot before it gets 503
 * @param inferenceSlots photos recognised at once (each on one core)
 * @param fallbackThreshold the confidence threshold when the bundle has no calibration for its version
 */
public record ServerConfig(Path bundleDir, Path catalogFile, String host, int port, long maxUploadBytes,
    long maxPixels, Duration idleTimeout, Duration queueTimeout, int inferenceSlots, double fallbackThreshold) {
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 10L * 1024 * 1024;
  public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
  public static final double DEFAULT_FALLBACK_THRESHOLD = 0.5;

  public ServerConfig {
    if (maxUploadBytes <= 0 || maxPixels <= 0 || inferenceSlots <= 0) {
      throw new IllegalArgumentException("upload size, pixel limit and inference slots must be positive");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in 0..65535");
    }
  }

  /** The defaults for a bundle: all interfaces, port 8080, 10 MB, 50 MP, 30 s idle, 10 s queue, one slot a core. */
  public static ServerConfig defaults(Path bundleDir) {
    return new ServerConfig(bundleDir, null, "0.0.0.0", 8080, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_MAX_PIXELS,
        Duration.ofSeconds(30), Duration.ofSeconds(10), Runtime.getRuntime().availableProcessors(),
        DEFAULT_FALLBACK_THRESHOLD);
  }

  public ServerConfig withPort(String host, int port) {
    return new ServerConfig(bundleDir, catalogFile, host, port, maxUploadBytes, maxPixels, idleTimeout, queueTimeout,
        inferenceSlots, fallbackThreshold);
  }

  public ServerConfig withCatalog(Path catalogFile) {
    return new ServerConfig(bundleDir, catalogFile, host, port, maxUploadBytes, maxPixels, idleTimeout, queueTimeout,
        inferenceSlots, fallbackThreshold);
  }

  public ServerConfig withLimits(long maxUploadBytes, long maxPixels, Duration idleTimeout, Duration queueTimeout) {
    return new ServerConfig(bundleDir, catalogFile, host, port, maxUploadBytes, maxPixels, idleTimeout, queueTimeout,
        inferenceSlots, fallbackThreshold);
  }

  public ServerConfig withInferenceSlots(int inferenceSlots) {
    return new ServerConfig(bundleDir, catalogFile, host, port, maxUploadBytes, maxPixels, idleTimeout, queueTimeout,
        inferenceSlots, fallbackThreshold);
  }
}
