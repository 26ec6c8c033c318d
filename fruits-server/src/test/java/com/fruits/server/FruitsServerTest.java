package com.fruits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fruits.core.TestImages;
import com.fruits.bench.InferenceCeiling;
import com.fruits.bench.LoadBenchmark;
import com.fruits.core.model.ModelResolver;
import com.fruits.core.serving.FruitRecognizer;
import com.fruits.core.serving.Prediction;
import com.fruits.core.serving.ServingBundle;
import java.io.ByteArrayOutputStream;
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
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web server over real HTTP on a random loopback port, with a real (small) bundle and MobileNetV2. */
class FruitsServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir
  static Path temp;

  static Path bundleDir;
  static FruitsServer server;
  static URI base;

  @BeforeAll
  static void start() throws Exception {
    bundleDir = CentroidBundle.write(temp.resolve("bundle"), 20);
    // idle connections stay open longer than any test takes: the shared client's pooled connections must not be
    // closed by the server just as a test reuses one (closesAConnectionThatStopsSendingMidUpload has its own server)
    ServerConfig config = ServerConfig.builder(bundleDir).listen("127.0.0.1", 0)
        .idleTimeout(Duration.ofSeconds(60)).queueTimeout(Duration.ofMillis(300)).inferenceSlots(2)
        .rateLimit(0, 1).build();
    server = FruitsServer.start(config, new ModelResolver(temp.resolve("cache")));
    base = URI.create("http://127.0.0.1:" + server.port() + "/");
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  static Path firstTestPhoto(String label) throws Exception {
    try (Stream<Path> files = Files.list(TestImages.fruitsDir().resolve("Test").resolve(label))) {
      return files.sorted().findFirst().orElseThrow();
    }
  }

  static HttpResponse<String> postRaw(byte[] body, String contentType) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(base.resolve("/api/v1/predictions")).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> postMultipart(String field, String filename, byte[] content) throws Exception {
    String boundary = "fruits-test-boundary-7d91";
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename
        + "\"\r\nContent-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(content);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return HTTP.send(HttpRequest.newBuilder(base.resolve("/api/v1/predictions"))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  /** No stack trace, exception name or server path in what a client sees. */
  static void assertNothingLeaks(HttpResponse<String> response) {
    assertThat(response.body()).doesNotContain("Exception", "\tat ", "at com.", "at io.", "at org.",
        temp.toString(), TestImages.repoDir().toString(), TestImages.sharedDir().toString());
  }

  static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("json"));
    return JSON.readTree(response.body());
  }

  @Test
  void namesTheFruitInAPhotoOfEveryClassAndShowsItsCard() throws Exception {
    String version = ServingBundle.load(bundleDir).version();
    for (String label : CentroidBundle.LABELS) {
      byte[] photo = Files.readAllBytes(firstTestPhoto(label));
      for (HttpResponse<String> response : List.of(postMultipart("image", "fruit.jpg", photo),
          postRaw(photo, "image/jpeg"))) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode answer = json(response);
        assertThat(answer.path("recognized").asBoolean()).as(response.body()).isTrue();
        assertThat(answer.path("label").asText()).isEqualTo(label);
        assertThat(answer.path("fruit").path("label").asText()).isEqualTo(label);
        assertThat(answer.path("fruit").path("handling").asText()).isNotBlank();
        assertThat(answer.path("fruit").path("nutritionPer100g").path("energyKcal").asDouble()).isPositive();
        assertThat(answer.path("top")).hasSize(3);
        assertThat(answer.path("top").get(0).path("label").asText()).isEqualTo(label);
        assertThat(answer.path("top").get(0).path("confidence").asDouble())
            .isGreaterThanOrEqualTo(answer.path("top").get(1).path("confidence").asDouble());
        assertThat(answer.path("model").path("version").asText()).isEqualTo(version);
        assertThat(answer.path("latencyMs").path("total").asDouble()).isPositive();
      }
    }
  }

  @Test
  void answersExactlyWhatTheRecognizerComputesInProcess() throws Exception {
    FruitRecognizer recognizer = FruitRecognizer.open(bundleDir, new ModelResolver(temp.resolve("cache")), 1);
    byte[] photo = Files.readAllBytes(firstTestPhoto("Lemon"));
    List<Prediction> expected = recognizer.recognize(photo, 3).top();
    JsonNode top = json(postRaw(photo, "image/jpeg")).path("top");
    for (int i = 0; i < 3; i++) {
      assertThat(top.get(i).path("label").asText()).isEqualTo(expected.get(i).label());
      assertThat(top.get(i).path("confidence").asDouble()).isEqualTo(expected.get(i).probability());
    }
  }

  @Test
  void answersEveryOneOfManyConcurrentRequestsWithItsOwnPhotosFruit() throws Exception {
    // 3 requests per class at once on 2 inference threads: each photo's tensor goes through per-thread buffers, so a
    // mix-up between requests would show as a wrong fruit
    ServerConfig patient = ServerConfig.builder(bundleDir).listen("127.0.0.1", 0).inferenceSlots(2).rateLimit(0, 1)
        .build();
    try (FruitsServer busy = FruitsServer.start(patient, new ModelResolver(temp.resolve("cache")))) {
      URI predictions = URI.create("http://127.0.0.1:" + busy.port() + "/api/v1/predictions");
      List<String> labels = new ArrayList<>();
      List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
      for (int round = 0; round < 3; round++) {
        for (String label : CentroidBundle.LABELS) {
          labels.add(label);
          responses.add(HTTP.sendAsync(HttpRequest.newBuilder(predictions).header("Content-Type", "image/jpeg")
              .POST(HttpRequest.BodyPublishers.ofFile(firstTestPhoto(label))).build(),
              HttpResponse.BodyHandlers.ofString()));
        }
      }
      for (int i = 0; i < labels.size(); i++) {
        HttpResponse<String> response = responses.get(i).get();
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).path("label").asText()).isEqualTo(labels.get(i));
      }
    }
  }

  @Test
  void saysItDoesNotRecogniseAFruitBelowTheThreshold() throws Exception {
    ServerConfig strict = ServerConfig.builder(bundleDir).listen("127.0.0.1", 0).idleTimeout(Duration.ofSeconds(5))
        .queueTimeout(Duration.ofSeconds(5)).inferenceSlots(1).fallbackThreshold(Math.nextUp(1.0)).build();
    try (FruitsServer unsure = FruitsServer.start(strict, new ModelResolver(temp.resolve("cache")))) {
      HttpResponse<String> response = HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + unsure.port() + "/api/v1/predictions"))
              .header("Content-Type", "image/jpeg")
              .POST(HttpRequest.BodyPublishers.ofFile(firstTestPhoto("Kiwi"))).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode answer = json(response);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(answer.path("recognized").asBoolean()).isFalse();
      assertThat(answer.path("message").asText()).isEqualTo("I don't recognise this fruit");
      assertThat(answer.path("label").isNull()).isTrue();
      assertThat(answer.path("fruit").isNull()).isTrue();
      assertThat(answer.path("top")).hasSize(3);
      assertThat(answer.path("model").path("thresholdSource").asText()).contains("not calibrated");
    }
  }

  @Test
  void listsTheCardOfEveryClassAndReportsHealthAndItsApi() throws Exception {
    JsonNode fruits = json(get("/api/v1/fruits"));
    assertThat(fruits.path("fruits")).hasSize(CentroidBundle.LABELS.size());
    assertThat(fruits.path("fruits").findValuesAsText("label")).containsExactlyElementsOf(CentroidBundle.LABELS);

    JsonNode health = json(get("/healthz"));
    assertThat(health.path("status").asText()).isEqualTo("ok");
    assertThat(health.path("model").path("classes").asInt()).isEqualTo(CentroidBundle.LABELS.size());

    JsonNode openApi = json(get("/api/v1/openapi.json"));
    assertThat(openApi.path("openapi").asText()).startsWith("3.");
    List<String> documented = iterable(openApi.path("paths").fieldNames());
    assertThat(documented).containsExactlyInAnyOrder("/api/v1/predictions", "/api/v1/fruits", "/api/v1/openapi.json",
        "/healthz");
    for (String path : documented) {
      if (!path.equals("/api/v1/predictions")) {
        assertThat(get(path).statusCode()).as(path).isEqualTo(200);
      }
    }
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> list = new ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }

  @Test
  void servesTheInstallableAppWithSecurityHeaders() throws Exception {
    for (String path : List.of("/", "/app.js", "/app.css", "/manifest.webmanifest", "/sw.js", "/icon.svg",
        "/api/v1/fruits", "/no-such-page")) {
      HttpResponse<String> response = get(path);
      assertThat(response.headers().firstValue("Content-Security-Policy")).as(path)
          .hasValue(FruitsServer.CONTENT_SECURITY_POLICY);
      assertThat(response.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
      assertThat(response.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
      assertThat(response.headers().firstValue("Server")).as(path).isEmpty();
    }
    String page = get("/").body();
    assertThat(page).contains("accept=\"image/*\"", "capture=\"environment\"", "rel=\"manifest\"");
    assertThat(page).doesNotContain("<script>", "style=\"");
    JsonNode manifest = JSON.readTree(get("/manifest.webmanifest").body());
    assertThat(manifest.path("display").asText()).isEqualTo("standalone");
    assertThat(manifest.path("icons")).isNotEmpty();
    assertThat(get("/manifest.webmanifest").headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/manifest+json"));
    HttpResponse<String> missing = get("/no-such-page");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json(missing).path("error").asText()).isEqualTo("not_found");
  }

  @Test
  void refusesAnUploadOverTheSizeLimitWith413() throws Exception {
    byte[] big = new byte[(int) ServerConfig.DEFAULT_MAX_UPLOAD_BYTES + 1];
    new Random(1).nextBytes(big);
    for (HttpResponse<String> response : List.of(postRaw(big, "image/jpeg"), postMultipart("image", "big.jpg", big))) {
      assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
      assertThat(response.headers().firstValue("Connection")).hasValue("close");
      assertThat(json(response).path("error").asText()).isEqualTo("upload_too_large");
      assertNothingLeaks(response);
    }
    // no Content-Length: the body is counted as it arrives
    HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/v1/predictions"))
        .header("Content-Type", "image/jpeg")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(chunked.statusCode()).isEqualTo(413);
  }

  @Test
  void refusesBytesThatAreNotAPhotoWithAJsonError() throws Exception {
    HttpResponse<String> text = postRaw("just some text, not a photo".getBytes(StandardCharsets.UTF_8), "image/jpeg");
    assertThat(text.statusCode()).isEqualTo(415);
    assertThat(json(text).path("error").asText()).isEqualTo("not_an_image");

    HttpResponse<String> wrongType = postRaw(new byte[] {1, 2, 3}, "text/plain");
    assertThat(wrongType.statusCode()).isEqualTo(415);
    assertThat(json(wrongType).path("error").asText()).isEqualTo("unsupported_media_type");

    byte[] photo = Files.readAllBytes(firstTestPhoto("Kiwi"));
    HttpResponse<String> cut = postRaw(Arrays.copyOf(photo, photo.length / 3), "image/jpeg");
    assertThat(cut.statusCode()).as(cut.body()).isEqualTo(422);
    assertThat(json(cut).path("error").asText()).isEqualTo("corrupt_image");

    HttpResponse<String> empty = postRaw(new byte[0], "image/jpeg");
    assertThat(empty.statusCode()).isEqualTo(400);

    HttpResponse<String> noPart = postMultipart("file", "fruit.jpg", photo);
    assertThat(noPart.statusCode()).isEqualTo(400);
    assertThat(json(noPart).path("error").asText()).isEqualTo("missing_image");

    for (HttpResponse<String> response : List.of(text, wrongType, cut, empty, noPart)) {
      assertNothingLeaks(response);
      assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    }
  }

  @Test
  void refusesADecompressionBombByItsHeader() throws Exception {
    byte[] bomb = TestImages.pngHeaderClaiming(60_000, 60_000);
    HttpResponse<String> response = postRaw(bomb, "image/png");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(422);
    assertThat(json(response).path("error").asText()).isEqualTo("too_many_pixels");
    assertNothingLeaks(response);
  }

  @Test
  void answersMalformedRequestsWithoutAStackTrace() throws Exception {
    String reply = rawExchange("GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(reply).startsWith("HTTP/1.1 400");
    assertThat(reply).doesNotContain("Exception", "\tat ", "at org.", temp.toString());
    HttpResponse<String> badMultipart = HTTP.send(HttpRequest.newBuilder(base.resolve("/api/v1/predictions"))
        .header("Content-Type", "multipart/form-data; boundary=nothing-matches")
        .POST(HttpRequest.BodyPublishers.ofString("garbage")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(badMultipart.statusCode()).isEqualTo(400);
    assertNothingLeaks(badMultipart);
  }

  @Test
  void closesAConnectionThatStopsSendingMidUpload() throws Exception {
    ServerConfig impatient = ServerConfig.builder(bundleDir).listen("127.0.0.1", 0)
        .idleTimeout(Duration.ofSeconds(1)).build();
    try (FruitsServer stalled = FruitsServer.start(impatient, new ModelResolver(temp.resolve("cache")));
         Socket socket = new Socket("127.0.0.1", stalled.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/v1/predictions HTTP/1.1\r\nHost: x\r\nContent-Type: image/jpeg\r\n"
          + "Content-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[1000]);
      out.flush();
      long start = System.nanoTime();
      InputStream in = socket.getInputStream();
      byte[] reply = in.readAllBytes(); // returns when the server gives up on us and closes
      double waited = (System.nanoTime() - start) / 1e9;
      assertThat(waited).as("idle timeout is 1 s").isLessThan(8);
      assertThat(new String(reply, StandardCharsets.ISO_8859_1)).doesNotContain("Exception", "\tat ");
    }
  }

  @Test
  void refusesWith503WhenNoInferenceSlotFreesUpInTime() throws Exception {
    try (AutoCloseable held = server.service().occupyAllSlots()) {
      HttpResponse<String> response = postRaw(Files.readAllBytes(firstTestPhoto("Kiwi")), "image/jpeg");
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(json(response).path("error").asText()).isEqualTo("busy");
    }
    assertThat(postRaw(Files.readAllBytes(firstTestPhoto("Kiwi")), "image/jpeg").statusCode()).isEqualTo(200);
  }

  @Test
  void aServiceThatIsShuttingDownAnswers503() throws Exception {
    ServerConfig config = ServerConfig.builder(bundleDir).listen("127.0.0.1", 0).build();
    RecognitionService service;
    try (FruitsServer stopping = FruitsServer.start(config, new ModelResolver(temp.resolve("cache")))) {
      service = stopping.service();
    }
    byte[] photo = Files.readAllBytes(firstTestPhoto("Kiwi"));
    assertThatThrownBy(() -> service.recognize(photo))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(503);
          assertThat(e.code()).isEqualTo("stopping");
        });
  }

  @Test
  void loadBenchmarkClientsReuseOneConnectionAndCountOnlyAnswers() throws Exception {
    byte[] photo = Files.readAllBytes(firstTestPhoto("Lemon"));
    URI predictions = base.resolve("/api/v1/predictions");
    try (LoadBenchmark.KeepAliveConnection connection = new LoadBenchmark.KeepAliveConnection(predictions)) {
      assertThat(connection.post(photo, "image/jpeg")).isEqualTo(200);
      assertThat(connection.post("not a photo".getBytes(StandardCharsets.UTF_8), "text/plain")).isEqualTo(415);
      assertThat(connection.post(photo, "image/jpeg")).isEqualTo(200);
    }
    LoadBenchmark.Load result = LoadBenchmark.run(predictions, List.of(photo), 2, Duration.ofMillis(200),
        Duration.ofMillis(800));
    assertThat(result.errors()).isZero();
    assertThat(result.requests()).isPositive();
    assertThat(result.p50Ms()).isPositive().isLessThanOrEqualTo(result.p99Ms());
    assertThatThrownBy(() -> LoadBenchmark.run(URI.create("https://127.0.0.1:1/api/v1/predictions"), List.of(photo), 1,
        Duration.ZERO, Duration.ofMillis(1))).hasMessageContaining("plain HTTP");
  }

  @Test
  void theRawModelPlusDecodeCountsRecognizedPhotosAndStopsOnOneItCannotDecode() throws Exception {
    byte[] photo = Files.readAllBytes(firstTestPhoto("Lemon"));
    ModelResolver resolver = new ModelResolver(temp.resolve("cache"));
    InferenceCeiling.Measurement plusDecode = LoadBenchmark.rawModelPlusDecode(bundleDir, resolver, List.of(photo), 2,
        0.3);
    assertThat(plusDecode.images()).isPositive();
    assertThat(plusDecode.imagesPerSecond()).isEqualTo(plusDecode.images() / plusDecode.seconds());
    assertThatThrownBy(() -> LoadBenchmark.rawModelPlusDecode(bundleDir, resolver,
        List.of("not a photo".getBytes(StandardCharsets.UTF_8)), 1, 0.1))
        .hasMessageStartingWith("benchmark photo cannot be decoded");
  }

  @Test
  void needsNoSparkOnItsClasspath() {
    assertThatThrownBy(() -> Class.forName("org.apache.spark.sql.SparkSession"))
        .isInstanceOf(ClassNotFoundException.class);
  }

  private static String rawExchange(String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      byte[] buffer = new byte[8192];
      int n = socket.getInputStream().read(buffer);
      return new String(buffer, 0, Math.max(0, n), StandardCharsets.ISO_8859_1);
    }
  }
}
