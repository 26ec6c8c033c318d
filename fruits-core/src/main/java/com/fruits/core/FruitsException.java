package com.fruits.core;

/**
 * A failure the user can act on: its message is one readable line (what went wrong and, where it helps, what to
 * do), printed as is by the command line and never accompanied by a stack trace.
 */
public class FruitsException extends RuntimeException {
  public FruitsException(String message) {
    super(message);
  }

  public FruitsException(String message, Throwable cause) {
    super(message, cause);
  }
}
