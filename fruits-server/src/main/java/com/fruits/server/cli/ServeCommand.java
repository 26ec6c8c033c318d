package com.fruits.server.cli;

import com.fruits.core.model.ModelResolver;
import com.fruits.server.FruitsServer;
import com.fruits.server.ServerConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Serve the mobile web app and its JSON API over a serving bundle (no Spark involved).")
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "The serving bundle (`train --out`).")
  Path bundle;

  @Option(names = "--port", defaultValue = "8080", description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "0.0.0.0", description = "Interface to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--catalog", paramLabel = "FILE",
      description = "Fruit cards to use instead of the bundled catalog/fruits.yaml.")
  Path catalog;

  @Option(names = "--max-upload-mb", defaultValue = "10", description = "Largest photo accepted, MB (default: ${DEFAULT-VALUE}).")
  double maxUploadMb;

  @Option(names = "--max-megapixels", defaultValue = "50",
      description = "Largest pixel count a photo may claim, in megapixels (default: ${DEFAULT-VALUE}).")
  double maxMegapixels;

  @Option(names = "--slots", description = "Inference threads: photos recognised at once (default: one per core).")
  Integer slots;

  @Override
  public Integer call() throws InterruptedException {
    long start = System.nanoTime();
    ServerConfig defaults = ServerConfig.defaults(bundle);
    ServerConfig config = defaults.withPort(host, port)
        .withCatalog(catalog)
        .withLimits((long) (maxUploadMb * 1024 * 1024), (long) (maxMegapixels * 1_000_000), defaults.idleTimeout(),
            defaults.queueTimeout())
        .withInferenceSlots(slots != null ? slots : defaults.inferenceSlots());
    FruitsServer server = FruitsServer.start(config, new ModelResolver(ModelResolver.defaultCacheDir()));
    var model = server.model();
    System.out.printf(Locale.ROOT, "fruits: serving %s on %s (model %s, %d classes, threshold %.3f %s) — started in "
            + "%.1fs%n", bundle, server.url(), model.version(), model.classes(), model.threshold(),
        model.thresholdSource(), (System.nanoTime() - start) / 1e9);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }
}
