package com.fruits.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fruits.bench.CpuInfo;
import com.fruits.bench.InferenceCeiling;
import com.fruits.core.model.ModelResolver;
import com.fruits.core.serving.Calibrator;
import com.fruits.server.FruitsServer;
import com.fruits.bench.LoadBenchmark;
import com.fruits.server.ServerConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench-serve", mixinStandardHelpOptions = true,
    description = "Load benchmark of the web API: starts `serve` in this process (or targets --url), posts photos "
        + "from concurrent clients and compares photos/s with the raw model's throughput.")
final class ServeBenchCommand implements Callable<Integer> {
  /** What {@code --out} holds: the figures and the CPU they were measured on. */
  record Summary(CpuInfo cpu, LoadBenchmark.Result result) {}

  @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "The serving bundle.")
  Path bundle;

  @Option(names = "--images", paramLabel = "DIR", description = "Photos to send (default: ../shared/data/fruits-360/Test).")
  Path images;

  @Option(names = "--clients", defaultValue = "4", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--warmup", defaultValue = "30", description = "Unmeasured seconds of load first, until the JIT "
      + "compiler has settled (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(names = "--url", description = "A running server's base URL instead of an in-process one.")
  URI url;

  @Option(names = "--out", defaultValue = "work/bench-serve.json", description = "Summary file (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Path folder = images != null ? images : ServeMain.testPhotos();
    List<byte[]> photos = new ArrayList<>();
    for (Path file : Calibrator.photos(folder)) {
      photos.add(Files.readAllBytes(file));
    }
    ModelResolver resolver = new ModelResolver(ModelResolver.defaultCacheDir());
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(Locale.ROOT, "fruits: raw model, batch 1, %d single-threaded streams, %.0fs...%n", cores, seconds / 2);
    InferenceCeiling.Measurement raw = LoadBenchmark.rawModel(bundle, resolver, photos, cores, seconds / 2);
    FruitsServer server = url == null
        ? FruitsServer.start(ServerConfig.builder(bundle).listen("127.0.0.1", 0).rateLimit(0, 1).build(), resolver) : null;
    URI base = url != null ? url : URI.create(server.url());
    LoadBenchmark.Result result;
    try {
      System.out.printf(Locale.ROOT, "fruits: %d clients posting %d photos to %s for %.0fs + %.0fs unmeasured first...%n",
          clients, photos.size(), base, seconds, warmup);
      result = LoadBenchmark.run(base.resolve("/api/v1/predictions"), photos, clients,
          Duration.ofMillis((long) (1000 * warmup)), Duration.ofMillis((long) (1000 * seconds)), raw);
    } finally {
      if (server != null) {
        server.close();
      }
    }
    System.out.printf(Locale.ROOT, "fruits: raw model again, %.0fs...%n", seconds / 2);
    result = result.withRawModelAfter(LoadBenchmark.rawModel(bundle, resolver, photos, cores, seconds / 2));
    CpuInfo cpu = CpuInfo.current();
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(new Summary(cpu, result)));
    System.out.println("fruits: cpu " + cpu.describe());
    System.out.printf(Locale.ROOT, "fruits: %d clients: %.1f photos/s, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, "
            + "max %.1f ms, %d errors; raw model %.1f photos/s before, %.1f after; ratio %.2f to their mean -> %s%n",
        clients, result.photosPerSecond(), result.p50Ms(), result.p90Ms(), result.p99Ms(), result.maxMs(),
        result.errors(), raw.imagesPerSecond(), result.rawModelAfter().imagesPerSecond(), result.ratioToRawModel(), out);
    return 0;
  }
}
