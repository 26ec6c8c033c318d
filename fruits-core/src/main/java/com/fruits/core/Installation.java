package com.fruits.core;

import java.nio.file.Path;

/**
 * Where the launchers' programs find the repository's files: both command lines and the microbenchmarks read the
 * folder and the defaults from here.
 */
public final class Installation {
  private Installation() {}

  /** The repository (or installation) folder: {@code -Dfruits.home}, else the working directory. */
  public static Path home() {
    return Path.of(System.getProperty("fruits.home", ".")).toAbsolutePath().normalize();
  }

  /** The default model spec, MobileNetV2. */
  public static Path defaultModelSpec() {
    return home().resolve("models/mobilenetv2.json");
  }

  /** {@code relative} inside the shared models and data beside the repository ({@code ../shared}). */
  public static Path shared(String relative) {
    return home().resolve("../shared").resolve(relative).normalize();
  }
}
