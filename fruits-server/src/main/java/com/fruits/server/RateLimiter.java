package com.fruits.server;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address: {@code burst} requests at once, refilled at {@code perSecond}. Buckets that have
 * refilled completely carry no information and are dropped when the table grows, so a flood of spoofed-looking
 * addresses cannot grow it without bound.
 */
final class RateLimiter {
  /** Addresses tracked before full buckets are swept out. */
  static final int SWEEP_AT = 100_000;

  private final double perSecond;
  private final int burst;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens;
    long updated;

    Bucket(double tokens, long updated) {
      this.tokens = tokens;
      this.updated = updated;
    }
  }

  /** {@code clock}: nanoseconds, as {@link System#nanoTime()}. */
  RateLimiter(double perSecond, int burst, LongSupplier clock) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("rate must be positive and burst at least 1");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.clock = clock;
  }

  /**
   * Takes a token for {@code client}: 0 when the request may go ahead, else how many whole seconds until one is
   * available (the {@code Retry-After} to send).
   */
  long acquire(String client) {
    long now = clock.getAsLong();
    if (buckets.size() >= SWEEP_AT) {
      buckets.values().removeIf(bucket -> {
        synchronized (bucket) {
          return refilled(bucket, now) >= burst;
        }
      });
    }
    Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(burst, now));
    synchronized (bucket) {
      bucket.tokens = refilled(bucket, now);
      bucket.updated = now;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - bucket.tokens) / perSecond));
    }
  }

  private double refilled(Bucket bucket, long now) {
    return Math.min(burst, bucket.tokens + (now - bucket.updated) / 1e9 * perSecond);
  }

  int tracked() {
    return buckets.size();
  }
}
