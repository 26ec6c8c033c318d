package com.fruits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.TestImages;
import com.fruits.core.model.ModelResolver;
import com.fruits.core.serving.Calibrator;
import com.fruits.core.serving.ConfidenceCalibration;
import com.fruits.core.serving.FruitRecognizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calibration through the serving path on real Test photos, and the server picking it up. */
class CalibratorTest {
  @TempDir
  Path temp;

  @Test
  void fitsTheThresholdOnLabelledPhotosAndTheServerUsesIt() throws Exception {
    Path bundle = CentroidBundle.write(temp.resolve("bundle"), 20);
    Path photos = temp.resolve("Test");
    for (String label : List.of("Kiwi", "Lemon", "Strawberry", "Granny Smith", "Pear")) {
      Files.createDirectories(photos.resolve(label));
      try (Stream<Path> files = Files.list(TestImages.fruitsDir().resolve("Test").resolve(label))) {
        for (Path file : files.sorted().limit(label.equals("Pear") ? 3 : 12).toList()) {
          Files.copy(file, photos.resolve(label).resolve(file.getFileName()));
        }
      }
    }
    Files.writeString(photos.resolve("Kiwi/notes.txt"), "not a photo");
    Files.write(photos.resolve("Kiwi/broken.jpg"), new byte[] {1, 2, 3});

    FruitRecognizer recognizer = FruitRecognizer.open(bundle, new ModelResolver(temp.resolve("cache")), 1);
    Calibrator.Result result = Calibrator.calibrate(recognizer, photos, 0.99, 0.5, 2);
    ConfidenceCalibration c = result.calibration();
    assertThat(c.photos()).isEqualTo(48);
    assertThat(result.unknownLabel()).isEqualTo(3); // Pear is not in the bundle
    assertThat(result.unreadable()).isEqualTo(1);
    assertThat(c.accuracy()).isGreaterThan(0.9);
    assertThat(c.answeredAccuracy()).isGreaterThanOrEqualTo(0.99);
    assertThat(c.threshold()).isBetween(0.5, 1.0);
    assertThat(c.split()).isEqualTo("Test");
    assertThat(c.bundleVersion()).isEqualTo(recognizer.bundle().version());

    c.write(bundle);
    ServerConfig config = ServerConfig.builder(bundle).listen("127.0.0.1", 0).build();
    try (FruitsServer server = FruitsServer.start(config, new ModelResolver(temp.resolve("cache")))) {
      assertThat(server.model().threshold()).isEqualTo(c.threshold());
      assertThat(server.model().thresholdSource()).isEqualTo("calibrated on Test for 99.0% precision");
    }
  }
}
