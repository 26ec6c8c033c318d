package com.fruits.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ImageLocationTest {
  @Test
  void fruits360OriginalSizeLayout() {
    assertThat(ImageLocation.parse("s3a://bucket/fruits/Training/apple_braeburn_1/r0_0.jpg"))
        .isEqualTo(new ImageLocation("apple_braeburn_1", "r0_0.jpg", "Training", "r0"));
    assertThat(ImageLocation.parse("file:/data/Test/apple_braeburn_1/R2_115.JPG"))
        .isEqualTo(new ImageLocation("apple_braeburn_1", "R2_115.JPG", "Test", "r2"));
  }

  @Test
  void fruits360Release2017Layout() {
    assertThat(ImageLocation.parse("file:/shared/data/fruits-360/Training/Apple Red 1/r_12_100.jpg"))
        .isEqualTo(new ImageLocation("Apple Red 1", "r_12_100.jpg", "Training", "r"));
    assertThat(ImageLocation.parse("file:/shared/data/fruits-360/Test/Kiwi/34_100.jpg"))
        .isEqualTo(new ImageLocation("Kiwi", "34_100.jpg", "Test", null));
  }

  @Test
  void noSplitFolder() {
    assertThat(ImageLocation.parse("/photos/lemons/IMG_0001.png"))
        .isEqualTo(new ImageLocation("lemons", "IMG_0001.png", null, null));
  }

  @Test
  void imageExtensionsAreCaseInsensitive() {
    assertThat(ImageLocation.isImageFile("a.JPG")).isTrue();
    assertThat(ImageLocation.isImageFile("a.jpeg")).isTrue();
    assertThat(ImageLocation.isImageFile("a.Png")).isTrue();
    assertThat(ImageLocation.isImageFile("a.gif")).isFalse();
    assertThat(ImageLocation.isImageFile("jpg")).isFalse();
  }
}
