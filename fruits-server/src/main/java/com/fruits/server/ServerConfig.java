package com.fruits.server;

import com.fruits.core.featurize.InferenceDevice;
import com.fruits.core.image.DecodeLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@code fruits serve} runs: immutable, built with {@link #builder(Path)}, validated once, in the constructor.
 * Every default lives here; the CLI's help reads them from the constants below.
 *
 * @param bundleDir the serving bundle ({@code fruits train --out})
 * @param catalogFile fruit cards to use instead of the bundled {@code catalog/fruits.yaml}; null for the bundled one
 * @param host the interface to listen on
 * @param port TCP port; 0 picks a free one
 * @param maxUploadBytes largest photo accepted (larger: 413)
 * @param decodeLimits what one photo may make the decoder do (pixels, progressive scans, time): beyond it, 422
 * @param idleTimeout how long a connection may stay silent, e.g. a client that stops sending mid-upload
 * @param queueTimeout how long a request may wait for an inference slot before it gets 503
 * @param minUploadBytesPerSecond the slowest an upload may arrive, on average since its request began (slower: 408
 *     and the connection closed)
 * @param rateLimit requests a second one client address may make on average (more: 429); 0 turns the limit off
 * @param rateBurst requests one client address may make at once before the rate applies
 * @param inferenceSlots photos recognised at once (each on one core)
 * @param fallbackThreshold the confidence threshold when the bundle has no calibration for its version
 * @param accessLog whether every API request gets a log line (off: only a periodic summary of errors)
 * @param adminPort the loopback port of the admin endpoints (model reload); 0 picks a free one, -1 turns them off
 * @param maxThreads HTTP threads: each request in flight, a stalled upload included, holds one until it ends or is
 *     cut off
 * @param device where the model runs: the CPU, CUDA (falling back to the CPU) or auto
 */
public record ServerConfig(
    Path bundleDir,
    Path catalogFile,
    String host,
    int port,
    long maxUploadBytes,
    DecodeLimits decodeLimits,
    Duration idleTimeout,
    Duration queueTimeout,
    long minUploadBytesPerSecond,
    double rateLimit,
    int rateBurst,
    int inferenceSlots,
    double fallbackThreshold,
    boolean accessLog,
    int adminPort,
    int maxThreads,
    InferenceDevice device) {
  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final long DEFAULT_MAX_UPLOAD_BYTES = 10L * 1024 * 1024;
  public static final long DEFAULT_MAX_PIXELS = 50_000_000L;
  public static final Duration DEFAULT_DECODE_DEADLINE = Duration.ofSeconds(2);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(10);
  public static final long DEFAULT_MIN_UPLOAD_BYTES_PER_SECOND = 8 * 1024;
  public static final double DEFAULT_RATE_LIMIT = 20;
  public static final int DEFAULT_RATE_BURST = 40;
  public static final double DEFAULT_FALLBACK_THRESHOLD = 0.5;
  public static final int DEFAULT_MAX_THREADS = 1000;
  public static final InferenceDevice DEFAULT_DEVICE = InferenceDevice.AUTO;

  public ServerConfig {
    Objects.requireNonNull(bundleDir, "bundleDir");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(decodeLimits, "decodeLimits");
    Objects.requireNonNull(device, "device");
    if (maxThreads < 16) {
      throw new IllegalArgumentException("the HTTP server needs at least 16 threads, not " + maxThreads);
    }
    // the pixel limit is DecodeLimits' to check
    if (maxUploadBytes <= 0 || inferenceSlots <= 0) {
      throw new IllegalArgumentException("upload size and inference slots must be positive");
    }
    if (port < 0 || port > 65_535 || adminPort < -1 || adminPort > 65_535) {
      throw new IllegalArgumentException("ports must be in 0..65535");
    }
    if (rateLimit < 0 || rateBurst < 1 || minUploadBytesPerSecond < 0) {
      throw new IllegalArgumentException("the rate limit and the minimum upload rate cannot be negative, and the "
          + "burst is at least 1");
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero() || queueTimeout.isNegative() || queueTimeout.isZero()) {
      throw new IllegalArgumentException("timeouts must be positive");
    }
  }

  /** The defaults for a bundle: all interfaces, port 8080, 10 MB, 50 MP, 30 s idle, 10 s queue, one slot a core. */
  public static Builder builder(Path bundleDir) {
    return new Builder(bundleDir);
  }

  public static ServerConfig defaults(Path bundleDir) {
    return builder(bundleDir).build();
  }

  public long maxPixels() {
    return decodeLimits.maxPixels();
  }

  /** Named setters over the defaults; the record's constructor validates. */
  public static final class Builder {
    private final Path bundleDir;
    private Path catalogFile;
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private long maxUploadBytes = DEFAULT_MAX_UPLOAD_BYTES;
    private long maxPixels = DEFAULT_MAX_PIXELS;
    private Duration decodeDeadline = DEFAULT_DECODE_DEADLINE;
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration queueTimeout = DEFAULT_QUEUE_TIMEOUT;
    private long minUploadBytesPerSecond = DEFAULT_MIN_UPLOAD_BYTES_PER_SECOND;
    private double rateLimit = DEFAULT_RATE_LIMIT;
    private int rateBurst = DEFAULT_RATE_BURST;
    private int inferenceSlots = Runtime.getRuntime().availableProcessors();
    private double fallbackThreshold = DEFAULT_FALLBACK_THRESHOLD;
    private boolean accessLog;
    private int adminPort = -1;
    private int maxThreads = DEFAULT_MAX_THREADS;
    private InferenceDevice device = DEFAULT_DEVICE;

    private Builder(Path bundleDir) {
      this.bundleDir = Objects.requireNonNull(bundleDir, "bundleDir");
    }

    public Builder catalog(Path catalogFile) {
      this.catalogFile = catalogFile;
      return this;
    }

    public Builder listen(String host, int port) {
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    public Builder maxUploadBytes(long maxUploadBytes) {
      this.maxUploadBytes = maxUploadBytes;
      return this;
    }

    public Builder maxPixels(long maxPixels) {
      this.maxPixels = maxPixels;
      return this;
    }

    public Builder decodeDeadline(Duration decodeDeadline) {
      this.decodeDeadline = decodeDeadline;
      return this;
    }

    public Builder idleTimeout(Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
      return this;
    }

    public Builder queueTimeout(Duration queueTimeout) {
      this.queueTimeout = queueTimeout;
      return this;
    }

    public Builder minUploadBytesPerSecond(long minUploadBytesPerSecond) {
      this.minUploadBytesPerSecond = minUploadBytesPerSecond;
      return this;
    }

    public Builder rateLimit(double perSecond, int burst) {
      this.rateLimit = perSecond;
      this.rateBurst = burst;
      return this;
    }

    public Builder inferenceSlots(int inferenceSlots) {
      this.inferenceSlots = inferenceSlots;
      return this;
    }

    public Builder fallbackThreshold(double fallbackThreshold) {
      this.fallbackThreshold = fallbackThreshold;
      return this;
    }

    public Builder accessLog(boolean accessLog) {
      this.accessLog = accessLog;
      return this;
    }

    public Builder adminPort(int adminPort) {
      this.adminPort = adminPort;
      return this;
    }

    public Builder maxThreads(int maxThreads) {
      this.maxThreads = maxThreads;
      return this;
    }

    public Builder device(InferenceDevice device) {
      this.device = Objects.requireNonNull(device, "device");
      return this;
    }

    public ServerConfig build() {
      return new ServerConfig(bundleDir, catalogFile, host, port, maxUploadBytes,
          DecodeLimits.defaults().withMaxPixels(maxPixels).withDeadline(decodeDeadline), idleTimeout, queueTimeout,
          minUploadBytesPerSecond, rateLimit, rateBurst, inferenceSlots, fallbackThreshold, accessLog, adminPort,
          maxThreads, device);
    }
  }
}
