package com.fruits.server.cli;

import com.fruits.core.featurize.InferenceDevice;
import com.fruits.core.model.ModelResolver;
import com.fruits.server.FruitsServer;
import com.fruits.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve the mobile web app and its JSON API over a serving bundle (no Spark involved).")
final class ServeCommand implements Callable<Integer> {
  @Mixin BundleOption bundle;

  @Option(names = "--port", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port = ServerConfig.DEFAULT_PORT;

  @Option(names = "--host", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
  String host = ServerConfig.DEFAULT_HOST;

  @Option(names = "--catalog", paramLabel = "FILE",
      description = "Fruit cards to use instead of the bundled catalog/fruits.yaml.")
  Path catalog;

  @Option(names = "--max-upload-mb", description = "Largest photo accepted, MB (default: ${DEFAULT-VALUE}).")
  double maxUploadMb = ServerConfig.DEFAULT_MAX_UPLOAD_BYTES / 1024.0 / 1024.0;

  @Option(names = "--max-megapixels", description = "Largest pixel count a photo may claim, in megapixels "
      + "(default: ${DEFAULT-VALUE}).")
  double maxMegapixels = ServerConfig.DEFAULT_MAX_PIXELS / 1e6;

  @Option(names = "--max-decode-ms", description = "Longest one photo's decode may take before it is refused "
      + "(422 too_costly) (default: ${DEFAULT-VALUE}).")
  long maxDecodeMs = ServerConfig.DEFAULT_DECODE_DEADLINE.toMillis();

  @Option(names = "--min-upload-kbps", description = "Slowest average upload rate, KB/s; slower uploads get 408 and "
      + "their connection closed; 0 turns this off (default: ${DEFAULT-VALUE}).")
  long minUploadKbps = ServerConfig.DEFAULT_MIN_UPLOAD_BYTES_PER_SECOND / 1024;

  @Option(names = "--rate-limit", description = "Requests a second one client address may make on average; more get "
      + "429 with Retry-After; 0 turns the limit off (default: ${DEFAULT-VALUE}).")
  double rateLimit = ServerConfig.DEFAULT_RATE_LIMIT;

  @Option(names = "--rate-burst", description = "Requests one client address may make at once before --rate-limit "
      + "applies (default: ${DEFAULT-VALUE}).")
  int rateBurst = ServerConfig.DEFAULT_RATE_BURST;

  @Option(names = "--access-log", description = "Log every API request (default: only a sampled log of errors).")
  boolean accessLog;

  @Option(names = "--admin-port", description = "Loopback port of the admin endpoints (POST /admin/reload swaps in a "
      + "new bundle); 0 picks a free one; off unless given.")
  Integer adminPort;

  @Option(names = "--max-threads", description = "HTTP threads; a stalled upload holds one until --min-upload-kbps "
      + "or the idle timeout cuts it off (default: ${DEFAULT-VALUE}).")
  int maxThreads = ServerConfig.DEFAULT_MAX_THREADS;

  @Option(names = "--slots", description = "Inference threads: photos recognised at once (default: one per core).")
  Integer slots;

  @Option(names = "--device", paramLabel = "cpu|cuda|auto", description = InferenceDevice.OPTION_HELP)
  String device = ServerConfig.DEFAULT_DEVICE.cliName();

  @Override
  public Integer call() throws InterruptedException {
    long start = System.nanoTime();
    ServerConfig.Builder config = ServerConfig.builder(bundle.dir)
        .listen(host, port)
        .catalog(catalog)
        .maxUploadBytes((long) (maxUploadMb * 1024 * 1024))
        .maxPixels((long) (maxMegapixels * 1_000_000))
        .decodeDeadline(Duration.ofMillis(maxDecodeMs))
        .minUploadBytesPerSecond(minUploadKbps * 1024)
        .rateLimit(rateLimit, rateBurst)
        .accessLog(accessLog)
        .adminPort(adminPort != null ? adminPort : -1)
        .maxThreads(maxThreads)
        .device(InferenceDevice.parse(device));
    if (slots != null) {
      config.inferenceSlots(slots);
    }
    FruitsServer server = FruitsServer.start(config.build(), new ModelResolver(ModelResolver.defaultCacheDir()));
    var model = server.model();
    System.out.printf(Locale.ROOT, "fruits: serving %s on %s (model %s, %d classes, threshold %.3f %s, on %s) — "
            + "started in %.1fs%n", bundle.dir, server.url(), model.version(), model.classes(), model.threshold(),
        model.thresholdSource(), model.device(), (System.nanoTime() - start) / 1e9);
    if (server.adminUrl() != null) {
      System.out.println("fruits: admin endpoints on " + server.adminUrl() + " (POST admin/reload)");
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }
}
