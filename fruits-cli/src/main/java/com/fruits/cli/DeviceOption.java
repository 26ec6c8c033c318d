package com.fruits.cli;

import com.fruits.core.featurize.InferenceDevice;
import picocli.CommandLine.Option;

/** The {@code --device} option of every command that runs the CNN (a picocli mixin). */
final class DeviceOption {
  @Option(names = "--device", paramLabel = "cpu|cuda|auto", defaultValue = "auto",
      description = InferenceDevice.OPTION_HELP)
  String device;

  InferenceDevice device() {
    return InferenceDevice.parse(device);
  }
}
