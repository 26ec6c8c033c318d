package com.fruits.server;

import com.fruits.core.FruitsException;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
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
 * </pre>
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
  private final RecognitionService service;
  private final ServerConfig config;

  private FruitsServer(Javalin app, RecognitionService service, ServerConfig config) {
    this.app = app;
    this.service = service;
    this.config = config;
  }

  /** Loads the bundle, its calibration and the fruit cards, and starts listening. */
  public static FruitsServer start(ServerConfig config, ModelResolver resolver) {
    FruitRecognizer recognizer = FruitRecognizer.open(config.bundleDir(), resolver, 1, config.maxPixels());
    ConfidenceCalibration calibration =
        ConfidenceCalibration.read(config.bundleDir(), recognizer.bundle().version()).orElse(null);
    FruitCatalog catalog = config.catalogFile() == null ? FruitCatalog.bundled() : FruitCatalog.load(config.catalogFile());
    RecognitionService service = new RecognitionService(recognizer, catalog, calibration, config.fallbackThreshold(),
        config.inferenceSlots(), config.queueTimeout());
    Javalin app = Javalin.create(javalin -> configure(javalin, config, service));
    try {
      app.start();
    } catch (RuntimeException e) {
      throw new FruitsException("cannot listen on " + config.host() + ":" + config.port() + ": " + rootMessage(e));
    }
    return new FruitsServer(app, service, config);
  }

  private static void configure(JavalinConfig javalin, ServerConfig config, RecognitionService service) {
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
    });
    javalin.jetty.addConnector((server, http) -> {
      ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
      connector.setHost(config.host());
      connector.setPort(config.port());
      connector.setIdleTimeout(config.idleTimeout().toMillis());
      return connector;
    });
    javalin.jetty.modifyServer(server -> {
      ErrorHandler errors = new ErrorHandler();
      errors.setShowStacks(false);
      errors.setShowCauses(false);
      errors.setShowMessageInTitle(false);
      errors.setShowOrigin(false);
      server.setErrorHandler(errors);
    });
    javalin.staticFiles.add(files -> {
      files.hostedPath = "/";
      files.directory = "/com/fruits/server/web";
      files.location = Location.CLASSPATH;
      files.headers = SECURITY_HEADERS;
      files.mimeTypes.add("application/manifest+json", "webmanifest");
    });
    javalin.requestLogger.http((ctx, millis) -> {
      if (ctx.path().startsWith("/api/")) {
        LOG.info("{} {} {} {} ms", ctx.method(), ctx.path(), ctx.statusCode(), Math.round(millis * 10) / 10.0);
      }
    });

    javalin.routes.before(ctx -> SECURITY_HEADERS.forEach(ctx::header));
    javalin.routes.post("/api/v1/predictions", ctx -> predict(ctx, config, service));
    javalin.routes.get("/api/v1/fruits", ctx -> ctx.json(fruits(service)));
    byte[] openApi = openApi();
    javalin.routes.get("/api/v1/openapi.json", ctx -> ctx.contentType("application/json").result(openApi));
    javalin.routes.get("/healthz", ctx -> ctx.json(Map.of("status", "ok", "model", service.model())));
    javalin.routes.exception(ApiException.class, (e, ctx) -> {
      if (e.status() == 413) {
        // the rest of an oversized body may still be on its way: this connection cannot carry another request, and
        // saying so keeps clients from reusing it (a reused one fails with no response at all)
        ctx.header("Connection", "close");
      }
      ctx.status(e.status()).json(e.body());
    });
    javalin.routes.exception(Exception.class, (e, ctx) -> {
      String incident = UUID.randomUUID().toString();
      LOG.error("incident {} on {} {}", incident, ctx.method(), ctx.path(), e);
      ctx.status(500).json(new ApiException.Body(500, "internal_error",
          "something went wrong on our side (incident " + incident + ")"));
    });
    javalin.routes.error(404, ctx -> ctx.json(new ApiException.Body(404, "not_found", "no such page")));
    javalin.routes.error(405, ctx -> ctx.json(new ApiException.Body(405, "method_not_allowed", "method not allowed")));
  }

  private static void predict(Context ctx, ServerConfig config, RecognitionService service) throws Exception {
    byte[] photo = PhotoUploads.read(ctx, config.maxUploadBytes());
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

  public RecognitionService.ModelInfo model() {
    return service.model();
  }

  RecognitionService service() {
    return service;
  }

  @Override
  public void close() {
    app.stop();
    service.close();
  }
}
