package com.fruits.server.cli;

import com.fruits.core.Installation;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --images} option of {@code calibrate} and {@code bench-serve} (a picocli mixin). */
final class PhotosOption {
  /** The default photos, in the shared folder beside the repository. */
  private static final String TEST_PHOTOS = "data/fruits-360/Test";

  @Option(names = "--images", paramLabel = "DIR",
      description = "Photos, <DIR>/<label>/<photo> (default: ../shared/" + TEST_PHOTOS + ").")
  Path dir;

  /** The folder given, or the shared Test photos beside the repository. */
  Path folder() {
    return dir != null ? dir : Installation.shared(TEST_PHOTOS);
  }
}
