package com.fruits.server;

import com.fruits.core.FruitsException;
import com.fruits.core.featurize.InferenceSettings;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.model.ModelResolver;
import com.fruits.core.serving.ConfidenceCalibration;
import com.fruits.core.serving.FruitRecognizer;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code fruits serve}: the mobile web app and its JSON API over a serving bundle. Spark-free.
 *
 * <pre>
 * GET  /                       the app (installable PWA)
 * POST /api/v1/predictions     a photo (multipart field "image", or the raw body) → species, confidences, card
 * GET  /api/v1/fruits          every fruit card of the bundle's classes
 * GET  /api/v1/openapi.json    the API's OpenAPI 3 document
 * GET  /healthz                liveness and the model that answers
 * GET  /metrics                Prometheus metrics (requests, refusals, inference queue, model)
 * </pre>
 *
 * <p>With {@link ServerConfig#adminPort()} set, a second listener on loopback only takes {@code POST /admin/reload}
 * (optionally {@code ?bundle=DIR}): the bundle is loaded beside the one serving, then swapped in; requests in
 * flight finish on the old one.
 *
 * <p>What a hostile client can cost is bounded: upload size and rate, decode work ({@link ServerConfig#decodeLimits()}),
 * requests per address (429), inference slots (503), and log lines (errors are sampled; the access log is opt-in).
 */
public final class FruitsServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FruitsServer.class);
  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; "
      + "script-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; object-src 'none'; "
      + "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
  static final Map<String, String> SECURITY_HEADERS = Map.of(
      "Content-Security-Policy", CONTENT_SECURITY_POLICY,
      "X-Content-Type-Options", "nosniff",
      "X-Frame-Options", "DENY",
      "Referrer-Policy", "no-referrer",
      "Permissions-Policy", "camera=(self), geolocation=(), microphone=()",
      "Cross-Origin-Opener-Policy", "same-origin");

  private final Javalin app;
  private final Javalin admin;
  private final RecognitionService service;
  private final ServerConfig config;

  private FruitsServer(Javalin app, Javalin admin, RecognitionService service, ServerConfig config) {
    this.app = app;
    this.admin = admin;
    this.service = service;
    this.config = config;
  }

  /** Loads the bundle, its calibration and the fruit cards, and starts listening. */
  public static FruitsServer start(ServerConfig config, ModelResolver resolver) {
    FruitRecognizer recognizer = open(config, config.bundleDir(), resolver);
    FruitCatalog catalog = config.catalogFile() == null ? FruitCatalog.bundled() : FruitCatalog.load(config.catalogFile());
    RecognitionService service = new RecognitionService(recognizer, catalog, calibration(config.bundleDir(),
        recognizer), config.fallbackThreshold(), config.inferenceSlots(), config.queueTimeout());
    Javalin app = Javalin.create(javalin -> configure(javalin, config, service));
    start(app, config.host(), config.port(), app::start);
    Javalin admin = null;
    if (config.adminPort() >= 0) {
      Javalin adminApp = Javalin.create(javalin -> configureAdmin(javalin, config, service, resolver));
      start(adminApp, LOOPBACK, config.adminPort(), () -> adminApp.start(LOOPBACK, config.adminPort()));
      admin = adminApp;
    }
    return new FruitsServer(app, admin, service, config);
  }

  private static final String LOOPBACK = "127.0.0.1";
  /** The routes metrics name; anything else counts as static or unmatched, so a scan of URLs adds no series. */
  private static final Set<String> ROUTES = Set.of("/api/v1/predictions", "/api/v1/fruits",
      "/api/v1/openapi.json", "/healthz", "/metrics");

  private static void start(Javalin server, String host, int port, Runnable start) {
    try {
      start.run();
    } catch (RuntimeException e) {
      server.stop();
      throw new FruitsException("cannot listen on " + host + ":" + port + ": " + rootMessage(e));
    }
  }

  private static String route(String path, int status) {
    if (ROUTES.contains(path)) {
      return path;
    }
    return status < 400 ? "static" : "unmatched";
  }

  /** Opens the bundle's model on the configured device; says so when a GPU was wanted and the CPU answers. */
  private static FruitRecognizer open(ServerConfig config, Path bundleDir, ModelResolver resolver) {
    FruitRecognizer recognizer = FruitRecognizer.open(bundleDir, resolver, InferenceSettings.on(config.device(), 1),
        config.decodeLimits());
    if (recognizer.deviceFallback() != null) {
      String buildNote = config.device().buildNote();
      LOG.warn(buildNote != null ? buildNote : "--device " + config.device().cliName() + ": the model runs on the "
          + "CPU: " + recognizer.deviceFallback());
    }
    return recognizer;
  }

  private static ConfidenceCalibration calibration(Path bundleDir, FruitRecognizer recognizer) {
    return ConfidenceCalibration.read(bundleDir, recognizer.bundle().version()).orElse(null);
  }

  private static void configure(JavalinConfig javalin, ServerConfig config, RecognitionService service) {
    ServerMetrics metrics = service.metrics();
    SampledLog errorLog = new SampledLog(Duration.ofMinutes(1), System::nanoTime);
    javalin.startup.showJavalinBanner = false;
    javalin.startup.showOldJavalinVersionWarning = false;
    javalin.http.maxRequestSize = config.maxUploadBytes();
    javalin.jetty.multipartConfig.maxFileSize(config.maxUploadBytes(), SizeUnit.BYTES);
    javalin.jetty.multipartConfig.maxInMemoryFileSize((int) Math.min(Integer.MAX_VALUE, config.maxUploadBytes()),
        SizeUnit.BYTES);
    javalin.jetty.multipartConfig.maxTotalRequestSize(config.maxUploadBytes() + 64 * 1024, SizeUnit.BYTES);
    javalin.jetty.modifyHttpConfiguration(http -> {
      http.setSendServerVersion(false);
      http.setSendXPoweredBy(false);
      // a body that trickles in (bytes every few seconds, each resetting the idle timeout) is cut off with 408
      http.setMinRequestDataRate(config.minUploadBytesPerSecond());
    });
    javalin.jetty.addConnector((server, http) -> {
      ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
      connector.setHost(config.host());
      connector.setPort(config.port());
      connector.setIdleTimeout(config.idleTimeout().toMillis());
      return connector;
    });
    javalin.jetty.modifyServer(server ->
        server.setErrorHandler(new JsonErrorHandler(() -> metrics.refusal("http_layer"))));
    // a request whose body stalls holds its thread until the idle timeout or the minimum rate cuts it off: the pool
    // is sized so that many such clients still leave threads for everyone else
    QueuedThreadPool threads = new QueuedThreadPool(config.maxThreads(), Math.min(8, config.maxThreads()));
    threads.setName("fruits-http");
    javalin.jetty.threadPool = threads;
    javalin.staticFiles.add(files -> {
      files.hostedPath = "/";
      files.directory = "/com/fruits/server/web";
      files.location = Location.CLASSPATH;
      files.headers = SECURITY_HEADERS;
      files.mimeTypes.add("application/manifest+json", "webmanifest");
    });
    javalin.requestLogger.http((ctx, millis) -> {
      metrics.request(ctx.method().name(), route(ctx.path(), ctx.statusCode()), ctx.statusCode(), millis);
      if (config.accessLog() && ctx.path().startsWith("/api/")) {
        LOG.info("{} {} {} {} ms", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(millis * 10) / 10.0);
      }
    });

    javalin.routes.before(ctx -> SECURITY_HEADERS.forEach(ctx::header));
    if (config.rateLimit() > 0) {
      RateLimiter limiter = new RateLimiter(config.rateLimit(), config.rateBurst(), System::nanoTime);
      javalin.routes.before(ctx -> {
        long retryAfter = limiter.acquire(ctx.ip());
        if (retryAfter > 0) {
          ctx.header("Retry-After", Long.toString(retryAfter));
          throw new ApiException(429, "rate_limited", "too many requests from your address; try again in "
              + retryAfter + " s");
        }
      });
    }
    javalin.routes.post("/api/v1/predictions", ctx -> predict(ctx, config, service));
    javalin.routes.get("/api/v1/fruits", ctx -> ctx.json(fruits(service)));
    byte[] openApi = openApi();
    javalin.routes.get("/api/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
    javalin.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok", "model", service.model())));
    javalin.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
        .result(metrics.scrape()));
    javalin.routes.exception(ApiException.class, (e, ctx) -> {
      metrics.refusal(e.code());
      long left = errorLog.admit(e.code());
      if (left >= 0 && e.status() != 429) {
        LOG.info("refused {} {}: {} {}{}", ctx.method(), ctx.path(), e.status(), e.code(),
            left > 0 ? " (and " + left + " more like it in the last minute)" : "");
      }
      if (e.status() == 413 || e.status() == 408) {
        // the rest of the body may still be on its way: this connection cannot carry another request, and saying
        // so keeps clients from reusing it (a reused one fails with no response at all)
        ctx.header("Connection", "close");
      }
      ctx.status(e.status()).json(e.body());
    });
    javalin.routes.exception(Exception.class, (e, ctx) -> {
      String incident = UUID.randomUUID().toString();
      metrics.refusal("internal_error");
      long left = errorLog.admit("incident " + e.getClass().getName());
      if (left >= 0) {
        // one structured line; the stack only for the first of its kind a minute
        LOG.error("incident={} method={} path={} error={} suppressed={}", incident, ctx.method(), ctx.path(),
            e.getClass().getSimpleName(), left, left == 0 ? e : null);
      }
      ctx.status(500).json(new ApiException.Body(500, "internal_error",
          "something went wrong on our side (incident " + incident + ")"));
    });
    javalin.routes.error(404, ctx -> ctx.json(new ApiException.Body(404, "not_found", "no such page")));
    javalin.routes.error(405, ctx -> ctx.json(new ApiException.Body(405, "method_not_allowed", "method not allowed")));
  }

  private static void configureAdmin(JavalinConfig javalin, ServerConfig config, RecognitionService service,
      ModelResolver resolver) {
    javalin.startup.showJavalinBanner = false;
    javalin.startup.showOldJavalinVersionWarning = false;
    javalin.routes.post("/admin/reload", ctx -> {
      String asked = ctx.queryParam("bundle");
      Path bundleDir = asked != null ? Path.of(asked) : config.bundleDir();
      RecognitionService.ModelInfo before = service.model();
      try {
        FruitRecognizer recognizer = open(config, bundleDir, resolver);
        service.swap(recognizer, calibration(bundleDir, recognizer));
      } catch (FruitsException | IllegalArgumentException e) {
        LOG.warn("reload of {} refused, still serving {}: {}", bundleDir, before.version(), e.getMessage());
        ctx.status(409).json(new ApiException.Body(409, "reload_refused", e.getMessage()));
        return;
      }
      LOG.info("model {} replaced by {} from {}", before.version(), service.model().version(), bundleDir);
      ctx.json(Map.of("previous", before, "model", service.model()));
    });
  }

  private static void predict(Context ctx, ServerConfig config, RecognitionService service) throws Exception {
    byte[] photo = PhotoUploads.read(ctx, config.maxUploadBytes());
    service.metrics().upload(photo.length);
    try {
      ctx.json(service.recognize(photo));
    } catch (ImageDecodeException e) {
      throw PhotoUploads.rejected(e, config.maxPixels());
    }
  }

  private static Map<String, Object> fruits(RecognitionService service) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("catalogVersion", service.catalog().version());
    body.put("fruits", service.species().stream().map(species -> service.catalog().card(species).orElseThrow()).toList());
    return body;
  }

  /** The OpenAPI document, read once when the server is configured. */
  private static byte[] openApi() {
    try (InputStream in = FruitsServer.class.getResourceAsStream("openapi.json")) {
      if (in != null) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      // reported below
    }
    throw new FruitsException("the server jar has no readable openapi.json (build problem)");
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  public int port() {
    return app.port();
  }

  /** The address a browser on this machine opens. */
  public String url() {
    String host = "0.0.0.0".equals(config.host()) ? "localhost" : config.host();
    return "http://" + host + ":" + port() + "/";
  }

  /** The admin listener's base URL, or null when it is off. */
  public String adminUrl() {
    return admin == null ? null : "http://" + LOOPBACK + ":" + admin.port() + "/";
  }

  public RecognitionService.ModelInfo model() {
    return service.model();
  }

  RecognitionService service() {
    return service;
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.stop();
    }
    app.stop();
    service.close();
  }
}
