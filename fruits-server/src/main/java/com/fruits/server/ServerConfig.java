package com.fruits.server;

import com.fruits.core.featurize.InferenceDevice;
import com.fruits.core.image.DecodeLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@code fruits serve} runs: immutable, built with {@link #builder(Path)}, validated once in {@link Builder#build()}.
 * Every default lives here; the CLI's help reads them from the constants below.
 */
public final class ServerConfig {
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

  private final Path bundleDir;
  private final Path catalogFile;
  private final String host;
  private final int port;
  private final long maxUploadBytes;
  private final DecodeLimits decodeLimits;
  private final Duration idleTimeout;
  private final Duration queueTimeout;
  private final long minUploadBytesPerSecond;
  private final double rateLimit;
  private final int rateBurst;
  private final int inferenceSlots;
  private final double fallbackThreshold;
  private final boolean accessLog;
  private final int adminPort;
  private final int maxThreads;
  private final InferenceDevice device;

  private ServerConfig(Builder b) {
    this.bundleDir = b.bundleDir;
    this.catalogFile = b.catalogFile;
    this.host = b.host;
    this.port = b.port;
    this.maxUploadBytes = b.maxUploadBytes;
    this.decodeLimits = DecodeLimits.defaults().withMaxPixels(b.maxPixels).withDeadline(b.decodeDeadline);
    this.idleTimeout = b.idleTimeout;
    this.queueTimeout = b.queueTimeout;
    this.minUploadBytesPerSecond = b.minUploadBytesPerSecond;
    this.rateLimit = b.rateLimit;
    this.rateBurst = b.rateBurst;
    this.inferenceSlots = b.inferenceSlots;
    this.fallbackThreshold = b.fallbackThreshold;
    this.accessLog = b.accessLog;
    this.adminPort = b.adminPort;
    this.maxThreads = b.maxThreads;
    this.device = b.device;
  }

  /** The defaults for a bundle: all interfaces, port 8080, 10 MB, 50 MP, 30 s idle, 10 s queue, one slot a core. */
  public static Builder builder(Path bundleDir) {
    return new Builder(bundleDir);
  }

  public static ServerConfig defaults(Path bundleDir) {
    return builder(bundleDir).build();
  }

  /** The serving bundle ({@code fruits train --out}). */
  public Path bundleDir() {
    return bundleDir;
  }

  /** Fruit cards to use instead of the bundled {@code catalog/fruits.yaml}; null for the bundled one. */
  public Path catalogFile() {
    return catalogFile;
  }

  public String host() {
    return host;
  }

  /** TCP port; 0 picks a free one. */
  public int port() {
    return port;
  }

  /** Largest photo accepted (larger: 413). */
  public long maxUploadBytes() {
    return maxUploadBytes;
  }

  /** What one photo may make the decoder do (pixels, progressive scans, time): beyond it, 422. */
  public DecodeLimits decodeLimits() {
    return decodeLimits;
  }

  public long maxPixels() {
    return decodeLimits.maxPixels();
  }

  /** How long a connection may stay silent, e.g. a client that stops sending mid-upload. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** How long a request may wait for an inference slot before it gets 503. */
  public Duration queueTimeout() {
    return queueTimeout;
  }

  /** The slowest an upload may arrive, on average since its request began (slower: 408 and the connection closed). */
  public long minUploadBytesPerSecond() {
    return minUploadBytesPerSecond;
  }

  /** Requests a second one client address may make on average (more: 429); 0 turns the limit off. */
  public double rateLimit() {
    return rateLimit;
  }

  /** Requests one client address may make at once before the rate applies. */
  public int rateBurst() {
    return rateBurst;
  }

  /** Photos recognised at once (each on one core). */
  public int inferenceSlots() {
    return inferenceSlots;
  }

  /** The confidence threshold when the bundle has no calibration for its version. */
  public double fallbackThreshold() {
    return fallbackThreshold;
  }

  /** Whether every API request gets a log line (off: only a periodic summary of errors). */
  public boolean accessLog() {
    return accessLog;
  }

  /** The loopback port of the admin endpoints (model reload); 0 picks a free one, -1 turns them off. */
  public int adminPort() {
    return adminPort;
  }

  /** HTTP threads: each request in flight, a stalled upload included, holds one until it ends or is cut off. */
  public int maxThreads() {
    return maxThreads;
  }

  /** Where the model runs: the CPU, CUDA (falling back to the CPU) or auto. */
  public InferenceDevice device() {
    return device;
  }

  public Builder toBuilder() {
    Builder b = new Builder(bundleDir);
    b.catalogFile = catalogFile;
    b.host = host;
    b.port = port;
    b.maxUploadBytes = maxUploadBytes;
    b.maxPixels = decodeLimits.maxPixels();
    b.decodeDeadline = decodeLimits.deadline();
    b.idleTimeout = idleTimeout;
    b.queueTimeout = queueTimeout;
    b.minUploadBytesPerSecond = minUploadBytesPerSecond;
    b.rateLimit = rateLimit;
    b.rateBurst = rateBurst;
    b.inferenceSlots = inferenceSlots;
    b.fallbackThreshold = fallbackThreshold;
    b.accessLog = accessLog;
    b.adminPort = adminPort;
    b.maxThreads = maxThreads;
    b.device = device;
    return b;
  }

  /** Named setters over the defaults; {@link #build()} validates. */
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
      if (maxThreads < 16) {
        throw new IllegalArgumentException("the HTTP server needs at least 16 threads, not " + maxThreads);
      }
      if (maxUploadBytes <= 0 || maxPixels <= 0 || inferenceSlots <= 0) {
        throw new IllegalArgumentException("upload size, pixel limit and inference slots must be positive");
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
      return new ServerConfig(this);
    }
  }
}
