package com.fruits.cli;

import java.nio.file.Path;

/** Where the command line finds the repository's files when it is run through the {@code fruits} launcher. */
final class Defaults {
  private Defaults() {}

  /** The repository (or installation) folder: {@code -Dfruits.home}, else the working directory. */
  static Path home() {
    return Path.of(System.getProperty("fruits.home", ".")).toAbsolutePath().normalize();
  }

  /** Fails with one readable line when {@code uri} is a local path (no scheme) that does not exist. */
  static void requireLocalPath(String uri) {
    if (!uri.contains(":") && !java.nio.file.Files.exists(Path.of(uri))) {
      throw new com.fruits.core.FruitsException("input path does not exist: " + uri);
    }
  }

  /** The default model spec, MobileNetV2. */
  static Path modelSpec() {
    return home().resolve("models/mobilenetv2.json");
  }
}
