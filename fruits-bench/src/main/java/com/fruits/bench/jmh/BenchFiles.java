package com.fruits.bench.jmh;

import com.fruits.bench.PhonePhotos;
import com.fruits.core.Installation;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * The inputs the microbenchmarks share, found the way the {@code fruits} launcher finds them: the repository is
 * {@code -Dfruits.home} (else the working directory), the data {@code ../shared} beside it.
 */
final class BenchFiles {
  private BenchFiles() {}

  static Path modelSpec() {
    return Installation.defaultModelSpec();
  }

  /** A 100×100 studio photo from Fruits-360, what the bulk of the training table is made of. */
  static byte[] studioPhoto() throws IOException {
    return Files.readAllBytes(shared("data/fruits-360/Test/Kiwi/r_3_100.jpg"));
  }

  /** A 4032×3024 JPEG made from a grocery-store photo, like what a phone uploads. */
  static byte[] phonePhoto() throws IOException {
    BufferedImage source = ImageIO.read(shared("data/grocery-store/val/Fruit/Banana/Banana_001.jpg").toFile());
    return PhonePhotos.encode(PhonePhotos.phoneSize(source, 7));
  }

  private static Path shared(String relative) throws IOException {
    Path file = Installation.shared(relative);
    if (!Files.isRegularFile(file)) {
      throw new IOException("benchmark input missing: " + file + " (run from the repository, or set -Dfruits.home)");
    }
    return file;
  }
}
