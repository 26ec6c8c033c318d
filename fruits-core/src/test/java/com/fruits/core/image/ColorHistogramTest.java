package com.fruits.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fruits.core.TestImages;
import com.fruits.core.model.ChannelOrder;
import com.fruits.core.model.InputSpec;
import com.fruits.core.model.ModelSpecs;
import com.fruits.core.model.ResizePolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class ColorHistogramTest {
  private static final InputSpec TORCHVISION = new InputSpec("input", 32, 32, ChannelOrder.RGB, 1 / 255.0,
      List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), ResizePolicy.STRETCH);
  private static final InputSpec CAFFE = new InputSpec("data_0", 32, 32, ChannelOrder.BGR, 1.0,
      List.of(104.0, 117.0, 123.0), List.of(1.0, 1.0, 1.0), ResizePolicy.STRETCH);

  /** A {@code size}² white photo whose left half is the colour {@code r, g, b}. */
  private static RgbImage halfColoured(int size, int r, int g, int b) {
    byte[] pixels = new byte[size * size * 3];
    java.util.Arrays.fill(pixels, (byte) 255);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size / 2; x++) {
        int i = (y * size + x) * 3;
        pixels[i] = (byte) r;
        pixels[i + 1] = (byte) g;
        pixels[i + 2] = (byte) b;
      }
    }
    return new RgbImage(size, size, pixels);
  }

  private static float[] histogram(InputSpec spec, RgbImage image) {
    ImagePreprocessor preprocessor = new ImagePreprocessor(spec);
    float[] tensors = new float[7 + spec.tensorSize()];
    preprocessor.prepare(image, tensors, 7);
    return ColorHistogram.of(preprocessor, tensors, 7);
  }

  @Test
  void binsFollowHueSaturationAndValue() {
    assertThat(ColorHistogram.bin(1f, 1f, 1f)).isEqualTo(-1);                  // white: background
    assertThat(ColorHistogram.bin(0.9f, 0.9f, 0.85f)).isEqualTo(-1);           // off-white
    assertThat(ColorHistogram.bin(0f, 0f, 0f)).isEqualTo(0);                   // black: hue 0, s 0, v 0
    assertThat(ColorHistogram.bin(1f, 0f, 0f)).isEqualTo((0 * 3 + 2) * 3 + 2); // pure red
    assertThat(ColorHistogram.bin(1f, 0f, 0.05f)).isEqualTo((11 * 3 + 2) * 3 + 2); // red leaning to magenta
    assertThat(ColorHistogram.bin(0f, 1f, 0f)).isEqualTo((4 * 3 + 2) * 3 + 2); // green: hue 1/3
    assertThat(ColorHistogram.bin(0f, 0f, 0.5f)).isEqualTo((8 * 3 + 2) * 3 + 1); // dark blue: hue 2/3, v 0.5
    assertThat(ColorHistogram.bin(0.6f, 0.5f, 0.5f)).isEqualTo((0 * 3 + 0) * 3 + 1); // greyish pink: s 1/6
  }

  @Test
  void describesTheFruitAndLeavesTheWhiteBackgroundOut() {
    float[] histogram = histogram(TORCHVISION, halfColoured(64, 230, 40, 20));
    int red = ColorHistogram.bin(230 / 255f, 40 / 255f, 20 / 255f);
    // the left half is red; the column where the halves blend gives a few pale pixels, the white half none
    assertThat(histogram[red]).isGreaterThan(0.85f);
    float total = 0;
    for (float share : histogram) {
      total += share;
    }
    assertThat(total).isCloseTo(1f, within(1e-5f));
  }

  @Test
  void isTheSameWhateverTheModelsInputConvention() {
    RgbImage image = halfColoured(50, 90, 160, 40);
    float[] torchvision = histogram(TORCHVISION, image);
    float[] caffe = histogram(CAFFE, image);
    for (int b = 0; b < ColorHistogram.BINS; b++) {
      assertThat(caffe[b]).as("bin %d", b).isCloseTo(torchvision[b], within(1e-6f));
    }
    assertThat(torchvision[ColorHistogram.bin(90 / 255f, 160 / 255f, 40 / 255f)]).isGreaterThan(0.85f);
  }

  @Test
  void anAllWhitePhotoHasAnEmptyHistogram() {
    float[] histogram = histogram(TORCHVISION, halfColoured(40, 255, 255, 255));
    for (float share : histogram) {
      assertThat(share).isZero();
    }
  }

  @Test
  void aRealPhotoOfALemonIsMostlyYellow() throws Exception {
    InputSpec mobilenet = ModelSpecs.load(TestImages.modelSpec("mobilenetv2")).input();
    ImagePreprocessor preprocessor = new ImagePreprocessor(mobilenet);
    float[] tensors = preprocessor.prepare(TestImages.read(TestImages.photo("Test", "Lemon", "321_100.jpg")));
    float[] histogram = ColorHistogram.of(preprocessor, tensors, 0);
    float yellow = 0; // hue bins 1 and 2: 30°–90°
    for (int b = 0; b < ColorHistogram.BINS; b++) {
      int hue = b / (ColorHistogram.SATURATION_BINS * ColorHistogram.VALUE_BINS);
      if (hue == 1 || hue == 2) {
        yellow += histogram[b];
      }
    }
    assertThat(yellow).isGreaterThan(0.7f);
  }

  @Test
  void binsEachSampledPixelOfTheTensorAsRgbAtReadsIt() throws Exception {
    byte[] photo = TestImages.read(TestImages.photo("Test", "Lemon", "321_100.jpg"));
    for (InputSpec spec : List.of(ModelSpecs.load(TestImages.modelSpec("mobilenetv2")).input(),
        ModelSpecs.load(TestImages.modelSpec("squeezenet")).input())) {
      ImagePreprocessor preprocessor = new ImagePreprocessor(spec);
      float[] tensors = new float[3 + spec.tensorSize()];
      preprocessor.prepare(photo, tensors, 3);
      int[] counts = new int[ColorHistogram.BINS];
      int counted = 0;
      float[] rgb = new float[3];
      for (int y = ColorHistogram.STRIDE / 2; y < spec.height(); y += ColorHistogram.STRIDE) {
        for (int x = ColorHistogram.STRIDE / 2; x < spec.width(); x += ColorHistogram.STRIDE) {
          preprocessor.rgbAt(tensors, 3, y * spec.width() + x, rgb);
          int bin = ColorHistogram.bin(rgb[0], rgb[1], rgb[2]);
          if (bin >= 0) {
            counts[bin]++;
            counted++;
          }
        }
      }
      float[] histogram = ColorHistogram.of(preprocessor, tensors, 3);
      for (int b = 0; b < ColorHistogram.BINS; b++) {
        assertThat(histogram[b]).as("%s bin %d", spec.name(), b).isEqualTo(counts[b] / (float) counted);
      }
    }
  }
}
