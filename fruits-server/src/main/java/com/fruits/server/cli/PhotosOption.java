package com.fruits.server.cli;

import com.fruits.core.Installation;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --images} option of {@code calibrate} and {@code bench-serve} (a picocli mixin). */
final class PhotosOption {
  @Option(names = "--images", paramLabel = "DIR",
      description = "Photos, <DIR>/<label>/<photo> (default: ../shared/data/fruits-360/Test).")
  Path dir;

  /** The folder given, or the shared Test photos beside the repository. */
  Path folder() {
    return dir != null ? dir : Installation.shared("data/fruits-360/Test");
  }
}
