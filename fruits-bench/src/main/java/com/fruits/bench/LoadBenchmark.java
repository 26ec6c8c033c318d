package com.fruits.bench;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fruits.core.FruitsException;
import com.fruits.core.featurize.SharedFeaturizers;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.image.ImagePreprocessor;
import com.fruits.core.model.ModelResolver;
import com.fruits.core.serving.FruitRecognizer;
import com.fruits.core.serving.ServingBundle;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The serving benchmark: {@code clients} HTTP clients post photos back to back to {@code /api/v1/predictions} for a
 * while; latency percentiles and photos/s are compared with two references measured on the same machine: the raw
 * model (ONNX Runtime at batch 1 on pre-decoded tensors, one stream a core) and the raw model plus decode (what the
 * server's inference slots do for each request, called directly: decode, the bundle's views, inference, classifier).
 * With large photos or a bundle that answers from several views, only the second says what HTTP and queueing cost.
 * The clients share the server's cores, so each is a plain blocking HTTP/1.1 keep-alive connection on its own
 * thread, with no hand-offs between threads (JFR: the four client threads used under 1 % of the process's CPU).
 */
public final class LoadBenchmark {
  /** What one run measured. Latencies are client-side, in milliseconds, over the measured period only. */
  public record Load(int clients, double seconds, long requests, long errors, double photosPerSecond, double p50Ms,
      double p90Ms, double p99Ms, double maxMs) {}

  /**
   * A reference throughput, measured before the load and again after it: this machine's speed drifts, so the load
   * is compared with the mean of the two.
   */
  public record Reference(InferenceCeiling.Measurement before, InferenceCeiling.Measurement after) {
    @JsonProperty
    public double photosPerSecond() {
      return (before.imagesPerSecond() + after.imagesPerSecond()) / 2;
    }
  }

  private LoadBenchmark() {}

  /** Posts {@code photos} round-robin from {@code clients} threads: {@code warmup} unmeasured, then {@code measure}. */
  public static Load run(URI predictions, List<byte[]> photos, int clients, Duration warmup, Duration measure) {
    if (!"http".equalsIgnoreCase(predictions.getScheme())) {
      throw new FruitsException("the load benchmark speaks plain HTTP; give the server's own http:// address, not "
          + predictions.getScheme() + "://");
    }
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
        try (KeepAliveConnection connection = new KeepAliveConnection(predictions)) {
          for (int i = client; System.nanoTime() < end; i += clients) {
            long sent = System.nanoTime();
            int status = connection.post(photos.get(i % photos.size()), "image/jpeg");
            long received = System.nanoTime();
            if (sent >= measureFrom && received <= end && n < mine.length - 1) {
              if (status == 200) {
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
    return new Load(clients, seconds, all.length, errors.get(), photosPerSecond, percentile(all, 0.50),
        percentile(all, 0.90), percentile(all, 0.99), all[all.length - 1] / 1e6);
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

  /**
   * The raw model plus decode: {@code streams} threads, one a server inference slot, each recognizing {@code photos}
   * round-robin through the bundle's {@link FruitRecognizer} (one intra-op thread, as the server opens it) for about
   * {@code seconds} after a second's warm-up. Photos per second, however many views each costs.
   */
  public static InferenceCeiling.Measurement rawModelPlusDecode(Path bundleDir, ModelResolver resolver,
      List<byte[]> photos, int streams, double seconds) throws InterruptedException {
    FruitRecognizer recognizer = FruitRecognizer.open(bundleDir, resolver, 1);
    return InferenceCeiling.timeStreams(new InferenceCeiling.Setting(streams, 1, 1), seconds,
        "raw-model-plus-decode-", stream -> {
          int[] next = {stream};
          return () -> {
            byte[] photo = photos.get(next[0] % photos.size());
            next[0] += streams;
            try {
              recognizer.recognize(photo, 1);
            } catch (ImageDecodeException e) {
              throw new FruitsException("benchmark photo cannot be decoded: " + e.describe());
            }
            return 1;
          };
        });
  }

  /**
   * One client's HTTP/1.1 connection, reused request after request: writes a POST, reads the status line, the
   * headers and the body (Content-Length or chunked), and reconnects when the server closes.
   */
  public static final class KeepAliveConnection implements AutoCloseable {
    private final URI target;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    public KeepAliveConnection(URI target) {
      this.target = target;
    }

    /** Posts {@code body} and returns the response status; the response body is read and dropped. */
    public int post(byte[] body, String contentType) throws IOException {
      if (socket == null) {
        socket = new Socket(target.getHost(), target.getPort() > 0 ? target.getPort() : 80);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        out = socket.getOutputStream();
      }
      String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
      out.write(String.format(Locale.ROOT, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: %s\r\n"
          + "Content-Length: %d\r\n\r\n", path, target.getAuthority(), contentType, body.length)
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String statusLine = line();
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP/1.1 response: " + statusLine);
      }
      long length = -1;
      boolean chunked = false;
      boolean close = false;
      for (String header = line(); !header.isEmpty(); header = line()) {
        String lower = header.toLowerCase(Locale.ROOT);
        if (lower.startsWith("content-length:")) {
          length = Long.parseLong(lower.substring(15).trim());
        } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
          chunked = true;
        } else if (lower.startsWith("connection:") && lower.contains("close")) {
          close = true;
        }
      }
      if (chunked) {
        for (long chunk = Long.parseLong(line().split(";")[0].trim(), 16); chunk > 0;
            chunk = Long.parseLong(line().split(";")[0].trim(), 16)) {
          skip(chunk);
          line();
        }
        while (!line().isEmpty()) {
          // trailers
        }
      } else if (length >= 0) {
        skip(length);
      } else {
        in.readAllBytes();
        close = true;
      }
      if (close) {
        close();
      }
      return Integer.parseInt(parts[1]);
    }

    private String line() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream(64);
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("the server closed the connection");
        }
        if (b != '\r') {
          line.write(b);
        }
      }
      return line.toString(StandardCharsets.ISO_8859_1);
    }

    private void skip(long bytes) throws IOException {
      in.skipNBytes(bytes);
    }

    @Override
    public void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // closing a connection the server already dropped
        }
        socket = null;
      }
    }
  }

  private static double percentile(long[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
