package com.fruits.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fruits.core.TestImages;
import com.fruits.core.featurize.OnnxFeaturizer;
import com.fruits.core.image.ImagePreprocessor;
import com.fruits.core.image.TurboJpeg;
import com.fruits.core.model.ModelSpec;
import com.fruits.core.model.ModelSpecs;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import com.fruits.core.image.ImageDecoder;
import com.fruits.core.image.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PhonePhotosTest {
  @Test
  void makesPhoneSizeJpegsOnceAndTheSameEachTime(@TempDir Path dir) throws Exception {
    Path sources = TestImages.sharedDir().resolve("data/grocery-store/val/Fruit/Kiwi");
    List<Path> photos = PhonePhotos.ensure(sources, 2, dir.resolve("a"), 5);
    assertThat(photos).hasSize(2);
    RgbImage full = new ImageDecoder().decode(Files.readAllBytes(photos.get(0)));
    assertThat(full.width()).isEqualTo(PhonePhotos.WIDTH);
    assertThat(full.height()).isEqualTo(PhonePhotos.HEIGHT);
    // the grain makes a file the size of a real phone photo, not a smooth upscale's few hundred KB
    assertThat(Files.size(photos.get(0))).isGreaterThan(1_000_000);
    assertThat(Files.readAllBytes(photos.get(1))).isNotEqualTo(Files.readAllBytes(photos.get(0)));

    FileTime made = Files.getLastModifiedTime(photos.get(0));
    assertThat(PhonePhotos.ensure(sources, 2, dir.resolve("a"), 5)).isEqualTo(photos);
    assertThat(Files.getLastModifiedTime(photos.get(0))).isEqualTo(made);
    List<Path> again = PhonePhotos.ensure(sources, 1, dir.resolve("b"), 5);
    assertThat(Files.readAllBytes(again.get(0))).isEqualTo(Files.readAllBytes(photos.get(0)));
  }

  /** The tolerance the decoder's documentation states: cosine 0.9995 between features, against a full-size decode. */
  @Test
  void aPhoneSizePhotoDecodedAtAnEighthGivesTheFeaturesOfAFullSizeDecode() throws Exception {
    assumeTrue(TurboJpeg.get().isPresent(), TurboJpeg.describe());
    BufferedImage source = ImageIO.read(TestImages.sharedDir()
        .resolve("data/grocery-store/val/Fruit/Banana/Banana_001.jpg").toFile());
    byte[] phone = PhonePhotos.encode(PhonePhotos.phoneSize(source, 7));
    ModelSpec spec = ModelSpecs.load(TestImages.modelSpec("mobilenetv2"));
    ImagePreprocessor preprocessor = new ImagePreprocessor(spec.input(), new ImageDecoder());
    RgbImage scaled = preprocessor.decode(phone);
    assertThat(scaled.width()).isEqualTo(PhonePhotos.WIDTH / 8);
    assertThat(scaled.height()).isEqualTo(PhonePhotos.HEIGHT / 8);
    RgbImage full = new ImageDecoder().withoutTurbo().decode(phone);
    RgbImage subsampled = new ImagePreprocessor(spec.input(), new ImageDecoder().withoutTurbo()).decode(phone);
    try (OnnxFeaturizer model = OnnxFeaturizer.open(spec, spec.source().path(), 1)) {
      float[] reference = features(model, preprocessor, full);
      double dctScaled = TestImages.cosine(reference, features(model, preprocessor, scaled));
      double pointSampled = TestImages.cosine(reference, features(model, preprocessor, subsampled));
      assertThat(dctScaled).isGreaterThan(0.9995).isGreaterThan(pointSampled);
    }
  }

  private static float[] features(OnnxFeaturizer model, ImagePreprocessor preprocessor, RgbImage image) {
    float[] tensor = new float[preprocessor.tensorSize()];
    preprocessor.prepare(image, tensor, 0);
    return model.run(tensor, 1)[0];
  }
}
