package com.fruits.core.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fruits.core.FruitsException;
import com.fruits.core.TestImages;
import com.fruits.core.image.ImageDecoder;
import com.fruits.core.image.RgbImage;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SceneSynthesizerTest {
  private static final ImageDecoder DECODER = new ImageDecoder();

  private static SceneSynthesizer.Source source(Path photo) throws Exception {
    return new SceneSynthesizer.Source(photo.getFileName().toString(), DECODER.decode(Files.readAllBytes(photo)));
  }

  private static List<SceneSynthesizer.Source> kiwis() throws Exception {
    try (var files = Files.list(TestImages.fruitsDir().resolve("Training/Kiwi"))) {
      return files.sorted().limit(3).map(p -> {
        try {
          return source(p);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }).toList();
    }
  }

  private static SceneSynthesizer.Source background() throws Exception {
    return source(TestImages.sharedDir().resolve("data/imagenet-sample-nonfruit/n03461385_grocery_store.jpg"));
  }

  @Test
  void theSameSeedMakesTheSameSceneAndAnotherSeedAnotherOne() throws Exception {
    SceneSynthesizer synthesizer = new SceneSynthesizer(SceneRecipe.DEFAULT);
    SceneSynthesizer.Scene a = synthesizer.compose(kiwis(), background(), 7);
    SceneSynthesizer.Scene b = synthesizer.compose(kiwis(), background(), 7);
    SceneSynthesizer.Scene c = synthesizer.compose(kiwis(), background(), 8);
    assertThat(a.jpeg()).isEqualTo(b.jpeg());
    assertThat(a.parameters()).isEqualTo(b.parameters());
    assertThat(c.jpeg()).isNotEqualTo(a.jpeg());
    RgbImage scene = DECODER.decode(a.jpeg());
    assertThat(scene.width()).isEqualTo(256);
    assertThat(a.parameters().fruits()).isNotEmpty()
        .allSatisfy(p -> assertThat(p.photo()).endsWith(".jpg"));
    assertThat(a.parameters().background()).isEqualTo("n03461385_grocery_store.jpg");
    assertThat(a.parameters().recipe()).isEqualTo("pile,lighting,blur,noise,jpeg");
  }

  @Test
  void withoutTransformsAScenePastesOneFruitUnchangedInColour() throws Exception {
    SceneSynthesizer plain = new SceneSynthesizer(SceneRecipe.parse("none", 128));
    for (long seed = 0; seed < 5; seed++) {
      SceneParameters p = plain.compose(kiwis(), background(), seed).parameters();
      assertThat(p.fruits()).hasSize(1);
      assertThat(p.brightness()).isEqualTo(1);
      assertThat(p.blurSigma()).isZero();
      assertThat(p.noiseSigma()).isZero();
    }
    assertThatThrownBy(() -> SceneRecipe.parse("pile,fog", 256)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown scene transform 'fog'");
    assertThat(SceneRecipe.parse("jpeg,pile", 256).describe()).isEqualTo("pile,jpeg");
  }

  @Test
  void theCutoutDropsTheWhiteBackgroundAndKeepsTheFruit() throws Exception {
    RgbImage kiwi = kiwis().get(0).image();
    BufferedImage cut = Cutout.of(kiwi);
    assertThat(cut.getRGB(0, 0) >>> 24).isZero(); // corner: studio white
    assertThat(cut.getRGB(kiwi.width() / 2, kiwi.height() / 2) >>> 24).isEqualTo(255); // centre: the fruit
    RgbImage white = new RgbImage(20, 20, filled(20 * 20 * 3, (byte) 250));
    assertThat(Cutout.of(white)).isNull();
    assertThatThrownBy(() -> new SceneSynthesizer(SceneRecipe.DEFAULT).compose(
        List.of(new SceneSynthesizer.Source("white", white)), background(), 1))
        .isInstanceOf(FruitsException.class).hasMessageContaining("no fruit could be cut out");
  }

  private static byte[] filled(int n, byte value) {
    byte[] b = new byte[n];
    java.util.Arrays.fill(b, value);
    return b;
  }
}
