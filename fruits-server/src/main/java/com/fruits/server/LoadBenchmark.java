package com.fruits.server;

import com.fruits.core.FruitsException;
import com.fruits.core.featurize.InferenceCeiling;
import com.fruits.core.featurize.SharedFeaturizers;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.image.ImagePreprocessor;
import com.fruits.core.model.ModelResolver;
import com.fruits.core.serving.ServingBundle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The serving benchmark: {@code clients} HTTP clients post photos back to back to {@code /api/v1/predictions} for a
 * while; latency percentiles and photos/s are compared with the raw model's throughput on the same machine
 * (ONNX Runtime at batch 1 on pre-decoded tensors, one stream a core — what the server's inference slots do).
 */
public final class LoadBenchmark {
  /** What one run measured. Latencies are client-side, in milliseconds, over the measured period only. */
  public record Result(int clients, double seconds, long requests, long errors, double photosPerSecond, double p50Ms,
      double p90Ms, double p99Ms, double maxMs, InferenceCeiling.Measurement rawModel, double ratioToRawModel) {}

  private LoadBenchmark() {}

  /** Posts {@code photos} round-robin from {@code clients} threads: {@code warmup} unmeasured, then {@code measure}. */
  public static Result run(URI predictions, List<byte[]> photos, int clients, Duration warmup, Duration measure,
      InferenceCeiling.Measurement rawModel) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long start = System.nanoTime();
    long measureFrom = start + warmup.toNanos();
    long end = measureFrom + measure.toNanos();
    List<long[]> latencies = new ArrayList<>();
    AtomicLong errors = new AtomicLong();
    CountDownLatch done = new CountDownLatch(clients);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      long[] mine = new long[1 << 20];
      latencies.add(mine);
      int client = c;
      Thread thread = new Thread(() -> {
        int n = 0;
        try {
          for (int i = client; System.nanoTime() < end; i += clients) {
            HttpRequest request = HttpRequest.newBuilder(predictions)
                .header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofByteArray(photos.get(i % photos.size())))
                .build();
            long sent = System.nanoTime();
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            long received = System.nanoTime();
            if (sent >= measureFrom && received <= end && n < mine.length - 1) {
              if (response.statusCode() == 200) {
                mine[++n] = received - sent;
              } else {
                errors.incrementAndGet();
              }
            }
          }
        } catch (Exception e) {
          errors.incrementAndGet();
        } finally {
          mine[0] = n;
          done.countDown();
        }
      }, "load-client-" + c);
      threads.add(thread);
      thread.start();
    }
    try {
      done.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FruitsException("benchmark interrupted");
    }
    long[] all = latencies.stream().flatMapToLong(l -> Arrays.stream(l, 1, (int) l[0] + 1)).sorted().toArray();
    if (all.length == 0) {
      throw new FruitsException("no request succeeded during the benchmark (" + errors.get() + " errors)");
    }
    double seconds = measure.toNanos() / 1e9;
    double photosPerSecond = all.length / seconds;
    return new Result(clients, seconds, all.length, errors.get(), photosPerSecond, percentile(all, 0.50),
        percentile(all, 0.90), percentile(all, 0.99), all[all.length - 1] / 1e6, rawModel,
        photosPerSecond / rawModel.imagesPerSecond());
  }

  /**
   * The raw model's throughput at batch 1 with one single-threaded stream per core, on tensors decoded beforehand
   * from {@code photos} through the bundle's preprocessing.
   */
  public static InferenceCeiling.Measurement rawModel(Path bundleDir, ModelResolver resolver, List<byte[]> photos,
      int streams, double seconds) throws InterruptedException {
    ServingBundle bundle = ServingBundle.load(bundleDir);
    Path modelFile = resolver.resolve(bundle.modelSpec().source());
    ImagePreprocessor preprocessor = new ImagePreprocessor(bundle.modelSpec().input());
    List<float[]> tensors = new ArrayList<>();
    for (byte[] photo : photos.subList(0, Math.min(64, photos.size()))) {
      try {
        tensors.add(preprocessor.prepare(photo));
      } catch (ImageDecodeException e) {
        throw new FruitsException("benchmark photo cannot be decoded: " + e.describe());
      }
    }
    return InferenceCeiling.measure(threads -> SharedFeaturizers.get(bundle.modelSpec(), modelFile, threads), tensors,
        new InferenceCeiling.Setting(streams, 1, 1), seconds);
  }

  private static double percentile(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
