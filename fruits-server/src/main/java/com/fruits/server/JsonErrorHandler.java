package com.fruits.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The errors the HTTP layer raises itself, before a request reaches a route (bad framing, a URI or headers too long,
 * an unknown HTTP version, an upload too slow), in the API's shape: a JSON body {@code {"status", "error",
 * "message"}} with the same security headers as every other response, instead of Jetty's HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Runnable onError;

  /** {@code onError} counts what this handler answered (it runs on Jetty's threads). */
  JsonErrorHandler(Runnable onError) {
    this.onError = onError;
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    onError.run();
    HttpFields.Mutable headers = response.getHeaders();
    FruitsServer.SECURITY_HEADERS.forEach(headers::put);
    headers.put(HttpHeader.CONTENT_TYPE, "application/json");
    headers.put(HttpHeader.CACHE_CONTROL, "no-store");
    byte[] body = body(code);
    headers.put(HttpHeader.CONTENT_LENGTH, Integer.toString(body.length));
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /** The response to a request too broken to be handled at all (it never reaches {@link #generateResponse}). */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    onError.run();
    FruitsServer.SECURITY_HEADERS.forEach(fields::put);
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
    fields.put(new HttpField(HttpHeader.CACHE_CONTROL, "no-store"));
    return ByteBuffer.wrap(body(status));
  }

  /** A fixed message per status (what Jetty says about the request may echo it, and is not for clients). */
  static byte[] body(int status) {
    String reason = HttpStatus.getMessage(status);
    String code = reason.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_").replaceAll("^_|_$", "");
    try {
      return JSON.writeValueAsBytes(new ApiException.Body(status, code.isEmpty() ? "error" : code, reason));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a record of a number and two strings always serializes", e);
    }
  }
}
