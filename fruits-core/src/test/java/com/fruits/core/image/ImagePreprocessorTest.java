package com.fruits.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fruits.core.model.ChannelOrder;
import com.fruits.core.model.InputSpec;
import com.fruits.core.model.ResizePolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {
  private static final InputSpec TORCHVISION = new InputSpec("input", 4, 4, ChannelOrder.RGB, 1 / 255.0,
      List.of(0.485, 0.456, 0.406), List.of(0.229, 0.224, 0.225), ResizePolicy.STRETCH);
  private static final InputSpec CAFFE = new InputSpec("data_0", 4, 4, ChannelOrder.BGR, 1.0,
      List.of(104.0, 117.0, 123.0), List.of(1.0, 1.0, 1.0), ResizePolicy.STRETCH);

  private static RgbImage solid(int width, int height, int r, int g, int b) {
    byte[] pixels = new byte[width * height * 3];
    for (int i = 0; i < pixels.length; i += 3) {
      pixels[i] = (byte) r;
      pixels[i + 1] = (byte) g;
      pixels[i + 2] = (byte) b;
    }
    return new RgbImage(width, height, pixels);
  }

  @Test
  void torchvisionConventionIsRgbScaledThenStandardised() {
    float[] tensor = new float[3 * 16];
    new ImagePreprocessor(TORCHVISION).prepare(solid(7, 5, 200, 100, 50), tensor, 0);
    for (int p = 0; p < 16; p++) {
      assertThat(tensor[p]).isCloseTo((float) ((200 / 255.0 - 0.485) / 0.229), within(1e-5f));
      assertThat(tensor[16 + p]).isCloseTo((float) ((100 / 255.0 - 0.456) / 0.224), within(1e-5f));
      assertThat(tensor[32 + p]).isCloseTo((float) ((50 / 255.0 - 0.406) / 0.225), within(1e-5f));
    }
  }

  @Test
  void caffeConventionIsBgrRawValuesMinusMean() {
    float[] tensor = new float[3 * 16 + 5];
    new ImagePreprocessor(CAFFE).prepare(solid(3, 9, 200, 100, 50), tensor, 5);
    assertThat(tensor[5]).isEqualTo(50 - 104f);        // channel 0 is blue
    assertThat(tensor[5 + 16]).isEqualTo(100 - 117f);  // channel 1 is green
    assertThat(tensor[5 + 32]).isEqualTo(200 - 123f);  // channel 2 is red
    assertThat(tensor[5 + 47]).isEqualTo(200 - 123f);
  }

  @Test
  void sameSizeResizeKeepsEveryPixel() {
    byte[] pixels = new byte[4 * 4 * 3];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 5);
    }
    InputSpec identity = new InputSpec("x", 4, 4, ChannelOrder.RGB, 1.0, List.of(0.0, 0.0, 0.0),
        List.of(1.0, 1.0, 1.0), ResizePolicy.STRETCH);
    float[] tensor = new float[48];
    new ImagePreprocessor(identity).prepare(new RgbImage(4, 4, pixels), tensor, 0);
    for (int p = 0; p < 16; p++) {
      for (int c = 0; c < 3; c++) {
        assertThat(tensor[c * 16 + p]).isCloseTo(pixels[p * 3 + c] & 0xFF, within(1e-3f));
      }
    }
  }

  @Test
  void centerCropKeepsTheMiddleOfAWidePhoto() {
    // 12 x 4: red 4 columns, green 4 columns, blue 4 columns; a square crop of a wide photo sees only green
    // (output at the crop's own size, so the filter support does not reach past the crop edge)
    byte[] pixels = new byte[12 * 4 * 3];
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 12; x++) {
        pixels[(y * 12 + x) * 3 + x / 4] = (byte) 255;
      }
    }
    InputSpec crop = new InputSpec("x", 4, 4, ChannelOrder.RGB, 1.0, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0),
        new ResizePolicy(ResizePolicy.Mode.CENTER_CROP, 1.0));
    float[] tensor = new float[48];
    new ImagePreprocessor(crop).prepare(new RgbImage(12, 4, pixels), tensor, 0);
    for (int p = 0; p < 16; p++) {
      assertThat(tensor[p]).isCloseTo(0f, within(1e-3f));
      assertThat(tensor[16 + p]).isCloseTo(255f, within(1e-3f));
      assertThat(tensor[32 + p]).isCloseTo(0f, within(1e-3f));
    }
  }

  @Test
  void shrinkingAveragesInsteadOfAliasing() {
    // a 1-pixel black/white checkerboard shrunk 8x becomes mid-gray, not black or white
    int size = 32;
    byte[] pixels = new byte[size * size * 3];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        byte v = (byte) (((x + y) & 1) == 0 ? 255 : 0);
        int o = (y * size + x) * 3;
        pixels[o] = v;
        pixels[o + 1] = v;
        pixels[o + 2] = v;
      }
    }
    float[] tensor = new float[48];
    InputSpec raw = new InputSpec("x", 4, 4, ChannelOrder.RGB, 1.0, List.of(0.0, 0.0, 0.0), List.of(1.0, 1.0, 1.0),
        ResizePolicy.STRETCH);
    new ImagePreprocessor(raw).prepare(new RgbImage(size, size, pixels), tensor, 0);
    for (float v : tensor) {
      assertThat(v).isBetween(110f, 145f);
    }
  }
}
