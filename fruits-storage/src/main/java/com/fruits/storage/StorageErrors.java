package com.fruits.storage;

import com.fruits.core.FruitsException;
import java.io.FileNotFoundException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.util.Locale;
import java.util.Optional;

/** Turns what Hadoop's file systems (s3a above all) throw into one line a user can act on. */
public final class StorageErrors {
  private StorageErrors() {}

  /**
   * The one-line explanation when {@code e} came from storage — access denied, anything s3a threw, or a refused
   * connection — and empty otherwise, so that an unrelated bug stays an unexpected error.
   */
  public static Optional<FruitsException> recognize(String uri, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof AccessDeniedException || t instanceof ConnectException
          || t.getClass().getName().startsWith("org.apache.hadoop.fs.s3a")) {
        return Optional.of(explain(uri, e));
      }
    }
    return Optional.empty();
  }

  public static FruitsException explain(String uri, Throwable e) {
    String where = Redaction.uri(uri);
    for (Throwable t = e; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      String type = t.getClass().getSimpleName();
      if (type.equals("UnknownStoreException") || message.contains("nosuchbucket")
          || message.contains("bucket does not exist") || message.contains("does not exist: s3a")) {
        return new FruitsException("bucket of " + where + " does not exist (or is not visible with these credentials)");
      }
      if (t instanceof AccessDeniedException || message.contains("403") || message.contains("access denied")
          || message.contains("signaturedoesnotmatch") || message.contains("invalidaccesskeyid")) {
        return new FruitsException("access to " + where + " was denied: check the credentials (AWS_ACCESS_KEY_ID/"
            + "AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or fs.s3a.access.key/secret.key in the Hadoop configuration)");
      }
      if (t instanceof ConnectException || message.contains("connection refused")
          || message.contains("unable to execute http request")) {
        return new FruitsException("cannot reach the storage endpoint of " + where + " (is --s3-endpoint right?)");
      }
      if (t instanceof FileNotFoundException) {
        return new FruitsException("no such path: " + where);
      }
      if (t instanceof InterruptedIOException && !(t.getCause() instanceof ConnectException)) {
        return new FruitsException("storage request for " + where + " timed out or was interrupted");
      }
    }
    return new FruitsException("storage error on " + where + ": " + Redaction.text(oneLine(e)));
  }

  private static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
