package com.fruits.spark;

import com.fruits.core.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;

/** Builds image folders for the Spark tests: real shared photos plus generated unusual and hostile files. */
public final class ImageFolders {
  public static final List<String> REAL_LABELS = List.of("Lemon", "Kiwi", "Strawberry");
  public static final int TRAINING_PER_LABEL = 5;
  static final int TEST_PER_LABEL = 2;

  private ImageFolders() {}

  /** {@code <root>/Training|Test/<label>/...} with real photos of {@link #REAL_LABELS}. */
  public static void copyRealPhotos(Path root) throws IOException {
    for (String label : REAL_LABELS) {
      TestImages.copyFirst(TestImages.fruitsDir().resolve("Training").resolve(label),
          root.resolve("Training").resolve(label), TRAINING_PER_LABEL);
      TestImages.copyFirst(TestImages.fruitsDir().resolve("Test").resolve(label), root.resolve("Test").resolve(label),
          TEST_PER_LABEL);
    }
  }

  /** Valid but unusual images in {@code <root>/Training/Unusual}: each must be featurized. */
  static List<String> writeUnusual(Path root) throws IOException {
    Path dir = Files.createDirectories(root.resolve("Training/Unusual"));
    BufferedImage lemon = ImageIO.read(TestImages.photo("Training", "Lemon", "0_100.jpg").toFile());

    BufferedImage gray = new BufferedImage(100, 100, BufferedImage.TYPE_BYTE_GRAY);
    gray.getGraphics().drawImage(lemon, 0, 0, null);
    Files.write(dir.resolve("gray.jpg"), TestImages.encode(gray, "jpg"));

    Files.write(dir.resolve("cmyk.jpg"), TestImages.cmykJpeg(120, 80, new int[] {10, 200, 220, 5}));

    BufferedImage gray16 = new BufferedImage(64, 48, BufferedImage.TYPE_USHORT_GRAY);
    for (int y = 0; y < 48; y++) {
      for (int x = 0; x < 64; x++) {
        gray16.getRaster().setSample(x, y, 0, (x * 1000 + y * 50) & 0xFFFF);
      }
    }
    Files.write(dir.resolve("gray16.png"), TestImages.encode(gray16, "png"));

    BufferedImage alpha = new BufferedImage(100, 100, BufferedImage.TYPE_INT_ARGB);
    alpha.getGraphics().drawImage(lemon, 0, 0, null);
    Files.write(dir.resolve("alpha.png"), TestImages.encode(alpha, "png"));

    Files.write(dir.resolve("exif-rotated.jpg"), exifRotatedLemon());
    // an EXIF directory offset past the end of the file (it overflowed an int before): the photo is read upright
    Files.write(dir.resolve("hostile-exif.jpg"), TestImages.withExif(TestImages.encode(lemon, "jpg"), 6, 0xFFFFFFF2));

    BufferedImage phone = new BufferedImage(6000, 4000, BufferedImage.TYPE_3BYTE_BGR);
    phone.getGraphics().drawImage(lemon, 1000, 0, 4000, 4000, null);
    Files.write(dir.resolve("phone-photo.JPG"), TestImages.encode(phone, "jpg"));
    return List.of("gray.jpg", "cmyk.jpg", "gray16.png", "alpha.png", "exif-rotated.jpg", "hostile-exif.jpg",
        "phone-photo.JPG");
  }

  /** The shared lemon photo stored rotated 90° counter-clockwise, with EXIF orientation 6 to view it upright. */
  static byte[] exifRotatedLemon() throws IOException {
    return TestImages.withExifOrientation(TestImages.encode(rotatedLemon(), "jpg"), 6);
  }

  static BufferedImage rotatedLemon() throws IOException {
    BufferedImage lemon = ImageIO.read(new ByteArrayInputStream(
        TestImages.read(TestImages.photo("Training", "Lemon", "0_100.jpg"))));
    BufferedImage rotated = new BufferedImage(lemon.getHeight(), lemon.getWidth(), BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < lemon.getHeight(); y++) {
      for (int x = 0; x < lemon.getWidth(); x++) {
        rotated.setRGB(y, lemon.getWidth() - 1 - x, lemon.getRGB(x, y));
      }
    }
    return rotated;
  }

  /** Broken files in {@code <root>/Training/Broken}, with the failure reason each must get. */
  static List<String[]> writeBroken(Path root) throws IOException {
    Path dir = Files.createDirectories(root.resolve("Training/Broken"));
    byte[] kiwi = TestImages.read(TestImages.photo("Training", "Kiwi", "0_100.jpg"));
    Files.write(dir.resolve("truncated.jpg"), Arrays.copyOf(kiwi, kiwi.length / 2));
    Files.write(dir.resolve("empty.jpg"), new byte[0]);
    Files.writeString(dir.resolve("notes.jpg"), "not a photo\n", StandardCharsets.UTF_8);
    Files.write(dir.resolve("bomb.png"), TestImages.pngHeaderClaiming(30000, 30000));
    Files.write(dir.resolve("scan-bomb.jpg"), TestImages.scanBomb(1000, 1000, 300));
    // not images by name: never listed
    Files.writeString(dir.resolve("readme.txt"), "ignored\n");
    Files.write(dir.resolve("animation.gif"), kiwi);
    Files.write(Files.createDirectories(dir.resolve(".thumbnails")).resolve("hidden.jpg"), kiwi);
    Files.write(dir.resolve(".DS_Store.jpg"), kiwi);
    return List.of(new String[] {"truncated.jpg", "corrupt"}, new String[] {"empty.jpg", "empty_file"},
        new String[] {"notes.jpg", "not_an_image"}, new String[] {"bomb.png", "too_large"},
        new String[] {"scan-bomb.jpg", "too_costly"});
  }
}
