package com.fruits.server;

/**
 * A request the API refuses, with the HTTP status and a stable error code. Its message is written for the client:
 * it never carries a path, a class name or a stack trace.
 */
final class ApiException extends RuntimeException {
  private final int status;
  private final String code;

  ApiException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  /** The JSON body: {@code {"status": 413, "error": "upload_too_large", "message": "..."}}. */
  record Body(int status, String error, String message) {}

  Body body() {
    return new Body(status, code, getMessage());
  }
}
