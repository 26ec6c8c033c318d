package com.fruits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fruits.core.TestImages;
import com.fruits.core.model.ModelResolver;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each probe of the attack on the public endpoint, replayed over real HTTP on a random port: what it did to the
 * server before, and what the server must do now.
 */
class HostileClientsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir
  static Path temp;

  static Path bundleDir;
  static byte[] photo;

  @BeforeAll
  static void bundle() throws Exception {
    bundleDir = CentroidBundle.write(temp.resolve("bundle"), 10);
    photo = Files.readAllBytes(FruitsServerTest.firstTestPhoto("Kiwi"));
  }

  private static FruitsServer start(ServerConfig.Builder config) {
    return FruitsServer.start(config.build(), new ModelResolver(temp.resolve("cache")));
  }

  private static ServerConfig.Builder config() {
    return ServerConfig.builder(bundleDir).listen("127.0.0.1", 0).inferenceSlots(2).rateLimit(0, 1);
  }

  private static HttpResponse<String> post(FruitsServer server, byte[] body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "api/v1/predictions"))
        .header("Content-Type", "image/jpeg").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String url) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(String body) throws Exception {
    return JSON.readTree(body);
  }

  @Test
  void scanBombsAreRefusedQuicklyWhileANormalPhotoIsAnswered() throws Exception {
    // 2000x2000 grey with 1,000 scans: 7.6 s of a core each before; two of them took both inference slots
    byte[] bomb = TestImages.scanBomb(2000, 2000, 1000);
    try (FruitsServer server = start(config())) {
      post(server, photo); // warm: the first photo pays for class loading and the JIT
      long start = System.nanoTime();
      CompletableFuture<Long> first = timed(() -> post(server, bomb));
      CompletableFuture<Long> second = timed(() -> post(server, bomb));
      long normalStart = System.nanoTime();
      HttpResponse<String> normal = post(server, photo);
      double normalSeconds = (System.nanoTime() - normalStart) / 1e9;
      assertThat(normal.statusCode()).isEqualTo(200);
      assertThat(normalSeconds).as("a normal photo beside two bombs").isLessThan(1.0);
      for (CompletableFuture<Long> refused : List.of(first, second)) {
        assertThat(refused.get(10, TimeUnit.SECONDS)).as("each bomb refused within 2 s").isLessThan(2_000_000_000L);
      }
      HttpResponse<String> answer = post(server, bomb);
      assertThat(answer.statusCode()).isEqualTo(422);
      assertThat(json(answer.body()).path("error").asText()).isEqualTo("too_costly");
      assertThat((System.nanoTime() - start) / 1e9).isLessThan(10);
      assertThat(get(server.url() + "metrics").body()).contains("fruits_refusals_total{reason=\"too_costly\"} 3");
    }
  }

  private interface Call {
    HttpResponse<String> send() throws Exception;
  }

  /** Sends on another thread; completes with the nanoseconds until a 422 came back. */
  private static CompletableFuture<Long> timed(Call call) {
    return CompletableFuture.supplyAsync(() -> {
      long start = System.nanoTime();
      try {
        HttpResponse<String> response = call.send();
        assertThat(response.statusCode()).isEqualTo(422);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return System.nanoTime() - start;
    });
  }

  @Test
  void aCraftedExifOffsetIsIgnoredNotA500() throws Exception {
    try (FruitsServer server = start(config())) {
      HttpResponse<String> response = post(server, TestImages.withExif(photo, 6, 0xFFFFFFF2));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(json(response.body()).path("label").asText()).isEqualTo(json(post(server, photo).body())
          .path("label").asText());
    }
  }

  @Test
  void errorsRaisedByTheHttpLayerAreJsonWithTheSecurityHeaders() throws Exception {
    try (FruitsServer server = start(config())) {
      String longUri = "GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n";
      String bigHeader = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n";
      String[][] probes = {
          {"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", "400"},
          {"POST /api/v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\nContent-Length: 3\r\n\r\nabc", "400"},
          {"GET / HTTP/1.1\r\nHost: x\r\nNo colon in this header\r\n\r\n", "400"},
          {longUri, "414"},
          {bigHeader, "431"},
          {"GET / HTTP/3.7\r\nHost: x\r\n\r\n", "505"},
      };
      for (String[] probe : probes) {
        String reply = exchange(server.port(), probe[0]);
        String head = reply.substring(0, Math.max(0, reply.indexOf("\r\n\r\n"))).toLowerCase(java.util.Locale.ROOT);
        String body = reply.substring(reply.indexOf("\r\n\r\n") + 4);
        assertThat(reply).as(probe[0].substring(0, Math.min(40, probe[0].length()))).startsWith("HTTP/1.1 " + probe[1]);
        assertThat(head).contains("content-type: application/json", "x-content-type-options: nosniff",
            "x-frame-options: deny", "referrer-policy: no-referrer", "content-security-policy: default-src 'self'");
        assertThat(json(body).path("status").asInt()).isEqualTo(Integer.parseInt(probe[1]));
        assertThat(body).doesNotContain("<html", "Exception", "passwd");
      }
    }
  }

  /** Writes a raw request and reads until the server closes or a full response has arrived. */
  private static String exchange(int port, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      StringBuilder reply = new StringBuilder();
      byte[] buffer = new byte[8192];
      try {
        for (int n; (n = in.read(buffer)) > 0; ) {
          reply.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
          int end = reply.indexOf("\r\n\r\n");
          int length = contentLength(reply, end);
          if (end >= 0 && length >= 0 && reply.length() >= end + 4 + length) {
            break;
          }
        }
      } catch (java.net.SocketException | java.net.SocketTimeoutException e) {
        // the server closed after answering: what arrived is the reply
      }
      return reply.toString();
    }
  }

  private static int contentLength(CharSequence reply, int headEnd) {
    if (headEnd < 0) {
      return -1;
    }
    for (String line : reply.subSequence(0, headEnd).toString().split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring(15).trim());
      }
    }
    return -1;
  }

  @Test
  void aFloodFromOneAddressGets429WithRetryAfter() throws Exception {
    // one token a second: however slowly this machine sends the 60 requests, most are over the limit
    try (FruitsServer server = start(config().rateLimit(1, 5))) {
      int limited = 0;
      HttpResponse<String> refused = null;
      for (int i = 0; i < 60; i++) {
        HttpResponse<String> response = get(server.url() + "healthz");
        if (response.statusCode() == 429) {
          limited++;
          refused = response;
        }
      }
      assertThat(limited).isGreaterThan(30);
      assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
          seconds -> assertThat(Long.parseLong(seconds)).isPositive());
      assertThat(json(refused.body()).path("error").asText()).isEqualTo("rate_limited");
      assertThat(refused.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      Thread.sleep(1_100); // a token comes back
      assertThat(get(server.url() + "healthz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anUploadThatTricklesInGets408AndItsConnectionClosed() throws Exception {
    // 10 bytes at a time, each before the idle timeout: before, the connection stayed open indefinitely
    try (FruitsServer server = start(config().idleTimeout(Duration.ofSeconds(30)).minUploadBytesPerSecond(4096));
         Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\n"
          + "Content-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      long start = System.nanoTime();
      AtomicBoolean closed = new AtomicBoolean();
      Thread trickle = new Thread(() -> {
        try {
          for (int i = 0; i < 30 && !closed.get(); i++) {
            out.write(new byte[10]);
            out.flush();
            Thread.sleep(500);
          }
        } catch (Exception e) {
          // the server closed the connection
        }
      });
      trickle.start();
      String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      closed.set(true);
      double waited = (System.nanoTime() - start) / 1e9;
      assertThat(reply).startsWith("HTTP/1.1 408");
      assertThat(reply.toLowerCase(java.util.Locale.ROOT)).contains("connection: close", "application/json");
      assertThat(waited).isLessThan(10);
      trickle.join();
    }
  }

  @Test
  void manySlowUploadsDoNotDelayANormalRequest() throws Exception {
    try (FruitsServer server = start(config().idleTimeout(Duration.ofSeconds(30)))) {
      post(server, photo);
      double alone = medianMillis(() -> post(server, photo));
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < 250; i++) {
          // half send ten bytes of the body, half none: a blocked read waits for bytes that do not come
          Socket socket = new Socket("127.0.0.1", server.port());
          socket.getOutputStream().write(("POST /api/v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg"
              + "\r\nContent-Length: 100000\r\n\r\n" + (i % 2 == 0 ? "0123456789" : ""))
              .getBytes(StandardCharsets.US_ASCII));
          socket.getOutputStream().flush();
          slow.add(socket);
        }
        Thread.sleep(500);
        double beside = medianMillis(() -> post(server, photo));
        System.out.printf(java.util.Locale.ROOT, "median latency %.1f ms alone, %.1f ms beside 250 slow uploads%n",
            alone, beside);
        assertThat(beside - alone).as("median latency %.1f ms alone, %.1f ms beside 250 slow uploads", alone, beside)
            .isLessThan(100);
      } finally {
        for (Socket socket : slow) {
          socket.close();
        }
      }
    }
  }

  private static double medianMillis(Call call) throws Exception {
    double[] millis = new double[7];
    for (int i = 0; i < millis.length; i++) {
      long start = System.nanoTime();
      assertThat(call.send().statusCode()).isEqualTo(200);
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    java.util.Arrays.sort(millis);
    return millis[millis.length / 2];
  }

  @Test
  void metricsShowRequestsRefusalsTheQueueAndTheModel() throws Exception {
    try (FruitsServer server = start(config())) {
      post(server, photo);
      post(server, "not a photo".getBytes(StandardCharsets.UTF_8));
      String metrics = get(server.url() + "metrics").body();
      assertThat(metrics)
          .contains("fruits_http_requests_seconds_bucket{method=\"POST\",outcome=\"success\"")
          .contains("route=\"/api/v1/predictions\",status=\"200\"")
          .contains("fruits_refusals_total{reason=\"not_an_image\"} 1")
          .contains("fruits_inference_queue_depth 0")
          .contains("fruits_inference_slot_wait_seconds_count 1")
          .contains("fruits_model_info{featurizer=\"" + server.model().featurizer() + "\",version=\""
              + server.model().version() + "\"} 1");
    }
  }

  @Test
  void aNewModelIsSwappedInUnderLoadWithoutDroppingARequest() throws Exception {
    Path other = CentroidBundle.write(temp.resolve("other-bundle"), 5);
    try (FruitsServer server = start(config().adminPort(0))) {
      String first = server.model().version();
      AtomicBoolean running = new AtomicBoolean(true);
      AtomicInteger answered = new AtomicInteger();
      List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      Set<String> versions = java.util.Collections.synchronizedSet(new HashSet<>());
      ExecutorService clients = Executors.newFixedThreadPool(4);
      for (int c = 0; c < 4; c++) {
        clients.execute(() -> {
          while (running.get()) {
            try {
              HttpResponse<String> response = post(server, photo);
              if (response.statusCode() != 200) {
                failures.add(response.statusCode() + " " + response.body());
              } else {
                versions.add(json(response.body()).path("model").path("version").asText());
                answered.incrementAndGet();
              }
            } catch (Exception e) {
              failures.add(e.toString());
            }
          }
        });
      }
      Thread.sleep(300);
      for (int swap = 0; swap < 6; swap++) {
        Path next = swap % 2 == 0 ? other : bundleDir;
        HttpResponse<String> reloaded = HTTP.send(HttpRequest.newBuilder(
                URI.create(server.adminUrl() + "admin/reload?bundle=" + next.toUri().getPath()))
            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
        Thread.sleep(250);
      }
      running.set(false);
      clients.shutdown();
      assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      assertThat(failures).isEmpty();
      assertThat(answered.get()).isGreaterThan(20);
      assertThat(versions).contains(first).hasSizeGreaterThan(1);
      // the admin endpoints listen on loopback only, and a bundle that cannot load leaves the model in place
      assertThat(server.adminUrl()).startsWith("http://127.0.0.1:");
      HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(
              URI.create(server.adminUrl() + "admin/reload?bundle=" + temp.resolve("missing").toUri().getPath()))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(409);
      assertThat(post(server, photo).statusCode()).isEqualTo(200);
    }
  }
}
