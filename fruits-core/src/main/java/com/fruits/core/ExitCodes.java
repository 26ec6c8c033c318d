package com.fruits.core;

import java.io.PrintWriter;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The one error policy of both command lines ({@code fruits} on Spark and the app's {@code fruits serve}): every
 * failure becomes one readable line and an exit code, never a stack trace unless {@code FRUITS_DEBUG} is set.
 */
public final class ExitCodes {
  /** A run that failed for a reason the user can fix (missing input, existing output, ...). */
  public static final int FAILURE = 1;
  /** A command line that could not be understood, or values that make no sense together. */
  public static final int USAGE = 2;

  private ExitCodes() {}

  /** The line for a command line picocli could not parse; {@code command} is the command's qualified name. */
  public static int usage(String message, String command, PrintWriter err) {
    err.println("fruits: " + message + " (see '" + command + " --help')");
    return USAGE;
  }

  /**
   * The line for an exception a command threw. {@code known} words failures the caller recognises (storage errors)
   * as a message for the user; {@code redact} cleans what is printed of an unexpected one (credentials in URIs).
   */
  public static int report(Exception e, PrintWriter err, Function<Exception, Optional<String>> known,
      UnaryOperator<String> redact) {
    if (e instanceof IllegalArgumentException) {
      err.println("fruits: " + e.getMessage());
      return USAGE;
    }
    if (e instanceof FruitsException) {
      err.println("fruits: error: " + e.getMessage());
      return FAILURE;
    }
    Optional<String> recognised = known.apply(e);
    if (recognised.isPresent()) {
      err.println("fruits: error: " + recognised.get());
      return FAILURE;
    }
    err.println("fruits: unexpected error: " + redact.apply(String.valueOf(e)));
    if (System.getenv("FRUITS_DEBUG") != null) {
      e.printStackTrace(err);
    } else {
      err.println("fruits: set FRUITS_DEBUG=1 for the stack trace");
    }
    return FAILURE;
  }
}
