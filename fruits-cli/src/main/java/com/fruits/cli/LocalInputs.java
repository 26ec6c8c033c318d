package com.fruits.cli;

import com.fruits.core.FruitsException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The command line's check of local inputs, made before Spark starts. */
final class LocalInputs {
  private LocalInputs() {}

  /** Fails with one readable line when {@code uri} is a local path (no scheme) that does not exist. */
  static void requireLocalPath(String uri) {
    if (!uri.contains(":") && !Files.exists(Path.of(uri))) {
      throw new FruitsException("input path does not exist: " + uri);
    }
  }
}
