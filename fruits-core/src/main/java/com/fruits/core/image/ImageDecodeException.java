package com.fruits.core.image;

/** An image that cannot be decoded; carries a {@link FailureReason} and a readable message. */
public final class ImageDecodeException extends Exception {
  private final FailureReason reason;

  public ImageDecodeException(FailureReason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public ImageDecodeException(FailureReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public FailureReason reason() {
    return reason;
  }

  /** {@code "reason: message"}, the form stored in a table's {@code error} column. */
  public String describe() {
    return reason.code() + ": " + getMessage();
  }
}
