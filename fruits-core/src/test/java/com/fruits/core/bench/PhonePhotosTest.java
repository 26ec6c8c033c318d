package com.fruits.core.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.TestImages;
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
}
