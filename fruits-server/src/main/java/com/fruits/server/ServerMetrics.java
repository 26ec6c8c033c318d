package com.fruits.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * What an operator scrapes from {@code GET /metrics} (Prometheus text format, through Micrometer): requests by route
 * and outcome with latency histograms, the size of uploads, refusals by reason, the inference queue and the wait for a slot, and the model
 * that answers.
 */
final class ServerMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Timer slotWait;
  private final MultiGauge model;
  private final DistributionSummary uploads;

  ServerMetrics(IntSupplier queueDepth) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    Gauge.builder("fruits.inference.queue.depth", queueDepth::getAsInt)
        .description("photos waiting for an inference slot").register(registry);
    slotWait = Timer.builder("fruits.inference.slot.wait").description("time a photo waited for an inference slot")
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
    uploads = DistributionSummary.builder("fruits.upload.size").baseUnit("bytes")
        .description("size of the photos received").register(registry);
    model = MultiGauge.builder("fruits.model.info").description("the model that answers (value 1)")
        .register(registry);
  }

  /** One answered request; {@code route} is the matched path (a fixed set), never the raw URL. */
  void request(String method, String route, int status, double millis) {
    Timer.builder("fruits.http.requests").description("HTTP requests by route and outcome")
        .tags(Tags.of("method", method, "route", route, "status", Integer.toString(status), "outcome",
            outcome(status)))
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(30))
        .register(registry).record(Duration.ofNanos((long) (millis * 1e6)));
  }

  /** A request refused, by its error code (too_costly, rate_limited, upload_too_large, …). */
  void refusal(String reason) {
    Counter.builder("fruits.refusals").description("requests refused, by reason").tag("reason", reason)
        .register(registry).increment();
  }

  /** The size of a photo that arrived whole (what clients send: the app shrinks photos before uploading). */
  void upload(long bytes) {
    uploads.record(bytes);
  }

  void slotWait(Duration waited) {
    slotWait.record(waited);
  }

  void model(String version, String featurizer) {
    model.register(List.of(MultiGauge.Row.of(Tags.of("version", version, "featurizer", featurizer), 1)), true);
  }

  String scrape() {
    return registry.scrape();
  }

  private static String outcome(int status) {
    if (status < 400) {
      return "success";
    }
    return status < 500 ? "client_error" : "server_error";
  }
}
