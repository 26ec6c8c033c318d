package com.fruits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fruits.core.model.ModelResolver;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the upload path over real HTTP: the multipart parser, the raw-body reader and the decoder behind them. Any
 * bytes, under either content type, get an answer or a JSON refusal, never a 500. Seeds and past findings are in
 * {@code src/test/resources/com/fruits/server/UploadFuzzTestInputs/}; {@code tools/fuzz} runs it as a fuzzer.
 */
class UploadFuzzTest {
  private static final String BOUNDARY = "fuzz-boundary";
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path temp;

  static {
    // the fuzzer's SSRF detector flags this test's own requests to the server under test, on loopback
    System.setProperty("jazzer.disabled_hooks", "com.code_intelligence.jazzer.sanitizers.ServerSideRequestForgery");
  }
  private static FruitsServer server;

  @BeforeAll
  static void start() throws Exception {
    Path bundle = CentroidBundle.write(temp.resolve("bundle"), 3);
    server = FruitsServer.start(ServerConfig.builder(bundle).listen("127.0.0.1", 0).rateLimit(0, 1)
        .inferenceSlots(2).build(), new ModelResolver(temp.resolve("cache")));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  /** One request on its own connection, from this thread: the status and the body. */
  private static String[] post(String contentType, byte[] body) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /api/v1/predictions HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: "
          + contentType + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int headEnd = reply.indexOf("\r\n\r\n");
      assertThat(headEnd).as(reply).isPositive();
      return new String[] {reply.substring(9, 12), reply.substring(headEnd + 4)};
    }
  }

  /** The last byte picks the framing; the rest is the body. */
  @FuzzTest(maxDuration = "30s")
  void everyUploadGetsAnAnswerOrAJsonRefusal(FuzzedDataProvider data) throws Exception {
    boolean multipart = data.consumeBoolean();
    byte[] body = data.consumeRemainingAsBytes();
    String[] response = post(multipart ? "multipart/form-data; boundary=" + BOUNDARY : "image/jpeg", body);
    assertThat(Integer.parseInt(response[0])).as(response[1]).isIn(200, 400, 408, 413, 415, 422);
    assertThat(JSON.readTree(response[1]).isObject()).isTrue();
  }
}
