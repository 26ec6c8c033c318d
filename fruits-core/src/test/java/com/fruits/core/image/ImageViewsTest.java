package com.fruits.core.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.TestImages;
import com.fruits.core.model.ModelSpecs;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageViewsTest {
  @Test
  void viewZeroIsTheWholePhotoAndViewOneItsMirror() throws Exception {
    ImagePreprocessor preprocessor = new ImagePreprocessor(ModelSpecs.load(TestImages.modelSpec("mobilenetv2")).input());
    byte[] photo = Files.readAllBytes(TestImages.sharedDir()
        .resolve("data/grocery-store/train/Fruit/Kiwi/Kiwi_001.jpg"));
    RgbImage image = preprocessor.decode(photo);
    int size = preprocessor.tensorSize();
    float[] views = new float[ImageViews.COUNT * size];
    ImageViews.prepare(preprocessor, image, views, 0);
    assertThat(Arrays.copyOf(views, size)).isEqualTo(preprocessor.prepare(photo));
    RgbImage mirror = ImageViews.view(image, 1);
    int side = Math.min(image.width(), image.height());
    assertThat(mirror.width()).isEqualTo(side);
    int x0 = (image.width() - side) / 2;
    int y0 = (image.height() - side) / 2;
    assertThat(mirror.sample(0, 5, 1)).isEqualTo(image.sample(x0 + side - 1, y0 + 5, 1));
    RgbImage corner = ImageViews.view(image, 6); // bottom right
    assertThat(corner.width()).isEqualTo((int) (side * ImageViews.CROP));
    assertThat(corner.sample(corner.width() - 1, corner.height() - 1, 0))
        .isEqualTo(image.sample(image.width() - 1, image.height() - 1, 0));
    for (int v = 1; v < ImageViews.COUNT; v++) {
      float[] one = Arrays.copyOfRange(views, v * size, (v + 1) * size);
      assertThat(one).isNotEqualTo(Arrays.copyOf(views, size));
    }
    assertThat(ImageViews.mean(new float[] {1, 2, 3, 4, 5, 6}, 2)).containsExactly(3, 4);
  }
}
