package com.fruits.cli;

import com.fruits.core.Installation;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --model-spec} option of every command that runs the CNN (a picocli mixin). */
final class ModelSpecOption {
  @Option(names = "--model-spec", paramLabel = "FILE", description = "Model spec JSON (default: models/mobilenetv2.json).")
  Path modelSpec;

  /** The spec asked for, else the default, MobileNetV2. */
  Path path() {
    return modelSpec != null ? modelSpec : Installation.defaultModelSpec();
  }
}
