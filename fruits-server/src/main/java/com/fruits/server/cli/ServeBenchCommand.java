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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench-serve", mixinStandardHelpOptions = true,
    description = "Load benchmark of the web API: starts `serve` in this process (or targets --url), posts photos "
        + "from concurrent clients and compares photos/s with the raw model's throughput.")
final class ServeBenchCommand implements Callable<Integer> {
  /** What {@code --out} holds: the figures and the CPU they were measured on. */
  record Summary(CpuInfo cpu, LoadBenchmark.Result result) {}

  @Mixin BundleOption bundle;

  @Mixin PhotosOption images;

  @Mixin LoadOptions load;

  @Option(names = "--out", defaultValue = "work/bench-serve.json", description = "Summary file (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--url", description = "A running server's base URL instead of an in-process one.")
  URI url;

  @Override
  public Integer call() throws Exception {
    Path folder = images.folder();
    List<byte[]> photos = new ArrayList<>();
    for (Path file : Calibrator.photos(folder)) {
      photos.add(Files.readAllBytes(file));
    }
    ModelResolver resolver = new ModelResolver(ModelResolver.defaultCacheDir());
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(Locale.ROOT, "fruits: raw model, batch 1, %d single-threaded streams, %.0fs...%n", cores,
        load.seconds / 2);
    InferenceCeiling.Measurement raw = LoadBenchmark.rawModel(bundle.dir, resolver, photos, cores, load.seconds / 2);
    FruitsServer server = url == null
        ? FruitsServer.start(ServerConfig.builder(bundle.dir).listen("127.0.0.1", 0).rateLimit(0, 1).build(), resolver)
        : null;
    URI base = url != null ? url : URI.create(server.url());
    LoadBenchmark.Result result;
    try {
      System.out.printf(Locale.ROOT, "fruits: %d clients posting %d photos to %s for %.0fs + %.0fs unmeasured first...%n",
          load.clients, photos.size(), base, load.seconds, load.warmup);
      result = LoadBenchmark.run(base.resolve("/api/v1/predictions"), photos, load.clients,
          load.unmeasuredFirst(), load.measured(), raw);
    } finally {
      if (server != null) {
        server.close();
      }
    }
    System.out.printf(Locale.ROOT, "fruits: raw model again, %.0fs...%n", load.seconds / 2);
    result = result.withRawModelAfter(LoadBenchmark.rawModel(bundle.dir, resolver, photos, cores, load.seconds / 2));
    CpuInfo cpu = CpuInfo.current();
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(new Summary(cpu, result)));
    System.out.println("fruits: cpu " + cpu.describe());
    System.out.printf(Locale.ROOT, "fruits: %d clients: %.1f photos/s, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, "
            + "max %.1f ms, %d errors; raw model %.1f photos/s before, %.1f after; ratio %.2f to their mean -> %s%n",
        load.clients, result.photosPerSecond(), result.p50Ms(), result.p90Ms(), result.p99Ms(), result.maxMs(),
        result.errors(), raw.imagesPerSecond(), result.rawModelAfter().imagesPerSecond(), result.ratioToRawModel(), out);
    return 0;
  }
}
