package com.fruits.server.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fruits.bench.CpuInfo;
import com.fruits.bench.InferenceCeiling;
import com.fruits.bench.LoadBenchmark;
import com.fruits.core.model.ModelResolver;
import com.fruits.core.serving.Calibrator;
import com.fruits.core.serving.ServingBundle;
import com.fruits.server.FruitsServer;
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
        + "from concurrent clients and compares photos/s with the raw model's throughput and with the raw model plus "
        + "decode (the server's own recognition of each photo, called without HTTP).")
final class ServeBenchCommand implements Callable<Integer> {
  /**
   * What {@code --out} holds: the load, both references, the ratios of the load's photos/s to each, and the CPU they
   * were measured on.
   */
  record Summary(CpuInfo cpu, LoadBenchmark.Load load, LoadBenchmark.Reference rawModel,
      LoadBenchmark.Reference rawModelPlusDecode, double ratioToRawModel, double ratioToRawModelPlusDecode) {}

  @Mixin BundleOption bundle;

  @Mixin PhotosOption images;

  @Mixin LoadOptions load;

  @Option(names = "--out", defaultValue = "work/bench-serve.json", description = "Summary file (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--url", description = "A running server's base URL instead of an in-process one (the references "
      + "are still measured here: compare only with a server on this machine).")
  URI url;

  @Override
  public Integer call() throws Exception {
    ServingBundle.load(bundle.dir); // a missing or broken bundle: one line before reading photos or measuring
    Path folder = images.folder();
    List<byte[]> photos = new ArrayList<>();
    for (Path file : Calibrator.photos(folder)) {
      photos.add(Files.readAllBytes(file));
    }
    ModelResolver resolver = new ModelResolver(ModelResolver.defaultCacheDir());
    int cores = Runtime.getRuntime().availableProcessors();
    double referenceSeconds = load.seconds / 2;
    System.out.printf(Locale.ROOT, "fruits: raw model (batch 1) and raw model plus decode, %d single-threaded streams, "
        + "%.0fs each...%n", cores, referenceSeconds);
    InferenceCeiling.Measurement rawBefore = LoadBenchmark.rawModel(bundle.dir, resolver, photos, cores,
        referenceSeconds);
    InferenceCeiling.Measurement plusDecodeBefore = LoadBenchmark.rawModelPlusDecode(bundle.dir, resolver, photos,
        cores, referenceSeconds);
    FruitsServer server = url == null
        ? FruitsServer.start(ServerConfig.builder(bundle.dir).listen("127.0.0.1", 0).rateLimit(0, 1).build(), resolver)
        : null;
    URI base = url != null ? url : URI.create(server.url());
    LoadBenchmark.Load result;
    try {
      System.out.printf(Locale.ROOT, "fruits: %d clients posting %d photos to %s for %.0fs + %.0fs unmeasured first...%n",
          load.clients, photos.size(), base, load.seconds, load.warmup);
      result = LoadBenchmark.run(base.resolve("/api/v1/predictions"), photos, load.clients,
          load.unmeasuredFirst(), load.measured());
    } finally {
      if (server != null) {
        server.close();
      }
    }
    System.out.printf(Locale.ROOT, "fruits: both references again, %.0fs each...%n", referenceSeconds);
    LoadBenchmark.Reference raw = new LoadBenchmark.Reference(rawBefore,
        LoadBenchmark.rawModel(bundle.dir, resolver, photos, cores, referenceSeconds));
    LoadBenchmark.Reference plusDecode = new LoadBenchmark.Reference(plusDecodeBefore,
        LoadBenchmark.rawModelPlusDecode(bundle.dir, resolver, photos, cores, referenceSeconds));
    Summary summary = new Summary(CpuInfo.current(), result, raw, plusDecode,
        result.photosPerSecond() / raw.photosPerSecond(), result.photosPerSecond() / plusDecode.photosPerSecond());
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
    System.out.println("fruits: cpu " + summary.cpu().describe());
    System.out.printf(Locale.ROOT, "fruits: %d clients: %.1f photos/s, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, "
            + "max %.1f ms, %d errors%n", load.clients, result.photosPerSecond(), result.p50Ms(), result.p90Ms(),
        result.p99Ms(), result.maxMs(), result.errors());
    System.out.printf(Locale.ROOT, "fruits: raw model %.1f photos/s before, %.1f after: ratio %.2f to their mean%n",
        rawBefore.imagesPerSecond(), raw.after().imagesPerSecond(), summary.ratioToRawModel());
    System.out.printf(Locale.ROOT, "fruits: raw model plus decode %.1f photos/s before, %.1f after: ratio %.2f to "
            + "their mean -> %s%n", plusDecodeBefore.imagesPerSecond(), plusDecode.after().imagesPerSecond(),
        summary.ratioToRawModelPlusDecode(), out);
    return 0;
  }
}
