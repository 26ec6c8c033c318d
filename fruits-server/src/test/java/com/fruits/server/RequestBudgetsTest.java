package com.fruits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The per-client rate limit, the sampled error log and the server's limits, on a clock the test moves. */
class RequestBudgetsTest {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

  @Test
  void aClientGetsItsBurstThenTheRateAndOthersAreUnaffected() {
    RateLimiter limiter = new RateLimiter(2, 3, nanos::get);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire("10.0.0.1")).isZero();
    }
    assertThat(limiter.acquire("10.0.0.1")).isEqualTo(1);
    assertThat(limiter.acquire("10.0.0.2")).isZero();
    nanos.addAndGet(500_000_000L); // half a second: one token back at 2/s
    assertThat(limiter.acquire("10.0.0.1")).isZero();
    assertThat(limiter.acquire("10.0.0.1")).isEqualTo(1);
    nanos.addAndGet(60_000_000_000L); // a minute: the bucket is full again, never more than the burst
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire("10.0.0.1")).isZero();
    }
    assertThat(limiter.acquire("10.0.0.1")).isPositive();
  }

  @Test
  void aSlowRateAsksForALongerWait() {
    RateLimiter limiter = new RateLimiter(0.1, 1, nanos::get);
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isEqualTo(10);
  }

  @Test
  void clientsWithFullBucketsAreForgottenWhenTheTableGrows() {
    RateLimiter limiter = new RateLimiter(1000, 1, nanos::get);
    for (int i = 0; i < RateLimiter.SWEEP_AT; i++) {
      limiter.acquire("client-" + i);
    }
    nanos.addAndGet(1_000_000_000L);
    limiter.acquire("one more");
    assertThat(limiter.tracked()).isEqualTo(1);
  }

  @Test
  void theLogKeepsTheFirstLineOfAKindThenOneAPeriodWithTheCountLeftOut() {
    SampledLog log = new SampledLog(Duration.ofMinutes(1), nanos::get);
    assertThat(log.admit("not_an_image")).isZero();
    for (int i = 0; i < 10_000; i++) {
      assertThat(log.admit("not_an_image")).isEqualTo(-1);
    }
    assertThat(log.admit("too_costly")).isZero();
    nanos.addAndGet(Duration.ofMinutes(1).toNanos());
    assertThat(log.admit("not_an_image")).isEqualTo(10_000);
    assertThat(log.admit("not_an_image")).isEqualTo(-1);
  }

  @Test
  void theConfigurationIsValidatedOnceAndKeepsItsDefaults() {
    ServerConfig defaults = ServerConfig.defaults(Path.of("bundle"));
    assertThat(defaults.port()).isEqualTo(ServerConfig.DEFAULT_PORT);
    assertThat(defaults.decodeLimits().deadline()).isEqualTo(ServerConfig.DEFAULT_DECODE_DEADLINE);
    assertThat(defaults.maxPixels()).isEqualTo(ServerConfig.DEFAULT_MAX_PIXELS);
    assertThat(defaults.adminPort()).isEqualTo(-1);
    ServerConfig copy = ServerConfig.builder(Path.of("bundle")).rateLimit(3, 4).build();
    assertThat(copy.rateLimit()).isEqualTo(3);
    assertThat(copy.maxPixels()).isEqualTo(defaults.maxPixels());
    assertThatThrownBy(() -> ServerConfig.builder(Path.of("b")).listen("h", 70_000).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerConfig.builder(Path.of("b")).rateLimit(-1, 1).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerConfig.builder(Path.of("b")).decodeDeadline(Duration.ZERO).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
