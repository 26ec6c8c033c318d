package com.fruits.core.image;

/** An image that cannot be decoded; carries a {@link FailureReason} and a readable message. */
public final class ImageDecodeException extends Exception {
  private final FailureReason reason;
  private final boolean worthAnotherReader;

  public ImageDecodeException(FailureReason reason, String message) {
    this(reason, message, null, false);
  }

  public ImageDecodeException(FailureReason reason, String message, Throwable cause) {
    this(reason, message, cause, false);
  }

  /** {@code worthAnotherReader}: the reader failed on the file's structure, which a more tolerant one may read. */
  ImageDecodeException(FailureReason reason, String message, Throwable cause, boolean worthAnotherReader) {
    super(message, cause);
    this.reason = reason;
    this.worthAnotherReader = worthAnotherReader;
  }

  public FailureReason reason() {
    return reason;
  }

  boolean worthAnotherReader() {
    return worthAnotherReader;
  }

  /** {@code "reason: message"}, the form stored in a table's {@code error} column. */
  public String describe() {
    return reason.code() + ": " + getMessage();
  }
}
