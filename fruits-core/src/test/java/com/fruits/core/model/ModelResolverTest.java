package com.fruits.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fruits.core.FruitsException;
import com.fruits.core.TestImages;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real download path, against a real HTTP server on loopback serving the shared SqueezeNet file. */
class ModelResolverTest {
  private static final String SQUEEZENET_SHA = "0fccde009e25d24dd3f0a8a6ccca04346d240a2bf04d8f36581071236f6d878c";
  private final AtomicInteger requests = new AtomicInteger();
  private HttpServer server;
  private String base;

  @BeforeEach
  void startServer() throws Exception {
    byte[] model = Files.readAllBytes(TestImages.sharedDir().resolve("models/squeezenet1.1-imagenet.onnx"));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/models/squeezenet.onnx", exchange -> {
      requests.incrementAndGet();
      exchange.sendResponseHeaders(200, model.length);
      exchange.getResponseBody().write(model);
      exchange.close();
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  @Test
  void downloadsOnceVerifiesAndCaches(@TempDir Path cache) {
    ModelResolver resolver = new ModelResolver(cache);
    ModelSource source = new ModelSource(cache.resolve("absent.onnx"), URI.create(base + "/models/squeezenet.onnx"),
        SQUEEZENET_SHA);
    Path file = resolver.resolve(source);
    assertThat(file).isEqualTo(cache.resolve(SQUEEZENET_SHA + ".onnx"));
    assertThat(file).hasSize(TestImages.sharedDir().resolve("models/squeezenet1.1-imagenet.onnx").toFile().length());
    assertThat(resolver.resolve(source)).isEqualTo(file);
    assertThat(requests.get()).isEqualTo(1);
  }

  @Test
  void wrongChecksumIsRefusedAndLeavesNothing(@TempDir Path cache) throws Exception {
    String wrong = "0".repeat(64);
    ModelSource source = new ModelSource(null, URI.create(base + "/models/squeezenet.onnx"), wrong);
    assertThatThrownBy(() -> new ModelResolver(cache).resolve(source))
        .isInstanceOf(FruitsException.class)
        .hasMessageContaining("has SHA-256 " + SQUEEZENET_SHA + " but the spec expects " + wrong);
    try (var files = Files.list(cache)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void missingUrlIsAClearError(@TempDir Path cache) {
    ModelSource source = new ModelSource(null, URI.create(base + "/nothing-here.onnx"), SQUEEZENET_SHA);
    assertThatThrownBy(() -> new ModelResolver(cache).resolve(source))
        .isInstanceOf(FruitsException.class).hasMessageContaining("HTTP 404");
  }

  @Test
  void localFileWithWrongChecksumIsRefused(@TempDir Path dir) throws Exception {
    Path fake = Files.writeString(dir.resolve("model.onnx"), "not a model");
    ModelSource source = new ModelSource(fake, null, SQUEEZENET_SHA);
    assertThatThrownBy(() -> new ModelResolver(dir).resolve(source))
        .isInstanceOf(FruitsException.class).hasMessageContaining("but the spec expects " + SQUEEZENET_SHA);
  }
}
