package com.fruits.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fruits.core.TestImages;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
  private final ImageDecoder decoder = new ImageDecoder();

  @Test
  void decodesPngPixelsExactly() throws Exception {
    BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    image.setRGB(0, 0, 0xFF0000);
    image.setRGB(1, 0, 0x00FF00);
    image.setRGB(2, 0, 0x0000FF);
    image.setRGB(0, 1, 0x102030);
    image.setRGB(1, 1, 0xFFFFFF);
    image.setRGB(2, 1, 0x000000);
    RgbImage rgb = decoder.decode(TestImages.encode(image, "png"));
    assertThat(rgb.width()).isEqualTo(3);
    assertThat(rgb.height()).isEqualTo(2);
    assertThat(new int[] {rgb.sample(0, 0, 0), rgb.sample(0, 0, 1), rgb.sample(0, 0, 2)}).containsExactly(255, 0, 0);
    assertThat(new int[] {rgb.sample(1, 0, 0), rgb.sample(1, 0, 1), rgb.sample(1, 0, 2)}).containsExactly(0, 255, 0);
    assertThat(new int[] {rgb.sample(2, 0, 0), rgb.sample(2, 0, 1), rgb.sample(2, 0, 2)}).containsExactly(0, 0, 255);
    assertThat(new int[] {rgb.sample(0, 1, 0), rgb.sample(0, 1, 1), rgb.sample(0, 1, 2)}).containsExactly(16, 32, 48);
  }

  @Test
  void decodesASharedFruitPhoto() throws Exception {
    RgbImage rgb = decoder.decode(TestImages.read(TestImages.photo("Training", "Lemon", "0_100.jpg")));
    assertThat(rgb.width()).isEqualTo(100);
    assertThat(rgb.height()).isEqualTo(100);
    // white background in the corner, a yellow lemon in the middle (red and green high, blue low)
    assertThat(rgb.sample(0, 0, 0)).isGreaterThan(240);
    assertThat(rgb.sample(50, 50, 0)).isGreaterThan(150);
    assertThat(rgb.sample(50, 50, 2)).isLessThan(rgb.sample(50, 50, 0) - 60);
  }

  @Test
  void grayscaleJpegBecomesThreeEqualChannels() throws Exception {
    BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 16; y++) {
      for (int x = 0; x < 16; x++) {
        gray.getRaster().setSample(x, y, 0, 128); // stored value, not through Java2D's linear-gray conversion
      }
    }
    RgbImage rgb = decoder.decode(TestImages.encode(gray, "jpg"));
    assertThat(rgb.sample(8, 8, 0)).isBetween(125, 131);
    assertThat(rgb.sample(8, 8, 0)).isEqualTo(rgb.sample(8, 8, 1)).isEqualTo(rgb.sample(8, 8, 2));
  }

  @Test
  void sixteenBitPngKeepsItsStoredValues() throws Exception {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), new int[] {16, 16, 16},
        false, false, Transparency.OPAQUE, DataBuffer.TYPE_USHORT);
    WritableRaster raster = cm.createCompatibleWritableRaster(4, 4);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        raster.setPixel(x, y, new int[] {0xC800, 0x6400, 0x3200}); // 200, 100, 50 in the high byte
      }
    }
    BufferedImage image = new BufferedImage(cm, raster, false, null);
    RgbImage rgb = decoder.decode(TestImages.encode(image, "png"));
    assertThat(new int[] {rgb.sample(1, 1, 0), rgb.sample(1, 1, 1), rgb.sample(1, 1, 2)}).containsExactly(200, 100, 50);

    BufferedImage gray16 = new BufferedImage(4, 4, BufferedImage.TYPE_USHORT_GRAY);
    gray16.getRaster().setSample(2, 2, 0, 0x8000);
    RgbImage grayRgb = decoder.decode(TestImages.encode(gray16, "png"));
    assertThat(grayRgb.sample(2, 2, 0)).isEqualTo(128);
    assertThat(grayRgb.sample(0, 0, 1)).isEqualTo(0);
  }

  @Test
  void alphaIsCompositedOntoWhite() throws Exception {
    BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(0, 0, 0x00000000); // fully transparent black
    image.setRGB(1, 0, 0x80FF0000); // half-transparent red
    RgbImage rgb = decoder.decode(TestImages.encode(image, "png"));
    assertThat(new int[] {rgb.sample(0, 0, 0), rgb.sample(0, 0, 1), rgb.sample(0, 0, 2)}).containsExactly(255, 255, 255);
    assertThat(rgb.sample(1, 0, 0)).isEqualTo(255);
    assertThat(rgb.sample(1, 0, 1)).isBetween(125, 129);
  }

  @Test
  void cmykJpegIsConvertedToRgb() throws Exception {
    byte[] jpeg = TestImages.cmykJpeg(32, 24, new int[] {0, 255, 255, 0}); // C=0 M=100% Y=100% K=0: red
    RgbImage rgb = decoder.decode(jpeg);
    assertThat(rgb.width()).isEqualTo(32);
    assertThat(rgb.height()).isEqualTo(24);
    assertThat(rgb.sample(16, 12, 0)).isGreaterThan(180);
    assertThat(rgb.sample(16, 12, 1)).isLessThan(90);
    assertThat(rgb.sample(16, 12, 2)).isLessThan(90);
  }

  @Test
  void plainJpegsDecodeTheSameThroughTheJdkReaderAsThroughTwelveMonkeys() throws Exception {
    BufferedImage gradient = new BufferedImage(37, 23, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 23; y++) {
      for (int x = 0; x < 37; x++) {
        gradient.setRGB(x, y, (x * 7 << 16) | (y * 11 << 8) | (x * y & 0xFF));
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream progressive = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(progressive)) {
      writer.setOutput(out);
      var param = writer.getDefaultWriteParam();
      param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(gradient, null, null), param);
    } finally {
      writer.dispose();
    }
    BufferedImage gray = TestImages.solid(30, 20, BufferedImage.TYPE_BYTE_GRAY, 0x808080);
    byte[][] jpegs = {
      TestImages.read(TestImages.photo("Training", "Kiwi", "0_100.jpg")),
      TestImages.read(TestImages.photo("Training", "Lemon", "0_100.jpg")),
      TestImages.encode(gradient, "jpg"), progressive.toByteArray(), TestImages.encode(gray, "jpg"),
      TestImages.withExifOrientation(TestImages.encode(gradient, "jpg"), 6)};
    for (byte[] jpeg : jpegs) {
      JpegSegments segments = JpegSegments.scan(jpeg);
      assertThat(segments.plain()).isTrue();
      RgbImage jdk = decoder.decode(jpeg, ImageDecoder.PLAIN_JPEG, segments.orientation(), 1, 0, 0, Long.MAX_VALUE);
      RgbImage twelveMonkeys = decoder.decode(jpeg, ImageDecoder.JPEG, segments.orientation(), 1, 0, 0, Long.MAX_VALUE);
      assertThat(jdk.width()).isEqualTo(twelveMonkeys.width());
      assertThat(jdk.height()).isEqualTo(twelveMonkeys.height());
      assertThat(jdk.pixels()).isEqualTo(twelveMonkeys.pixels());
      assertThat(decoder.decode(jpeg).pixels()).isEqualTo(jdk.pixels());
    }
  }

  @Test
  void exifOrientationIsApplied() throws Exception {
    // 40 wide, 20 high; the left half red, the right half blue
    BufferedImage image = TestImages.solid(40, 20, BufferedImage.TYPE_3BYTE_BGR, 0x0000FF);
    for (int y = 0; y < 20; y++) {
      for (int x = 0; x < 20; x++) {
        image.setRGB(x, y, 0xFF0000);
      }
    }
    byte[] rotated = TestImages.withExifOrientation(TestImages.encode(image, "jpg"), 6);
    assertThat(ExifOrientation.read(rotated)).isEqualTo(6);
    RgbImage rgb = decoder.decode(rotated);
    // rotated 90° clockwise for viewing: 20 wide, 40 high, the (former) left half now on top
    assertThat(rgb.width()).isEqualTo(20);
    assertThat(rgb.height()).isEqualTo(40);
    assertThat(rgb.sample(10, 5, 0)).isGreaterThan(200);
    assertThat(rgb.sample(10, 35, 2)).isGreaterThan(200);
  }

  @Test
  void largePhotoIsDecodedSmallerButKeepsWhatTheCallerNeeds() throws Exception {
    BufferedImage photo = TestImages.solid(6000, 4000, BufferedImage.TYPE_3BYTE_BGR, 0x40A020);
    byte[] jpeg = TestImages.encode(photo, "jpg");
    // ImageIO subsamples, keeping twice the size against aliasing
    RgbImage subsampled = decoder.withoutTurbo().decode(jpeg, 224, 224);
    assertThat(subsampled.width()).isBetween(448, 1000);
    assertThat(subsampled.height()).isBetween(448, 1000);
    assertThat(subsampled.sample(subsampled.width() / 2, subsampled.height() / 2, 1)).isBetween(150, 170);
    // libjpeg-turbo, where installed, scales the DCT down to an eighth here: 1.5 times the size is kept
    RgbImage either = decoder.decode(jpeg, 224, 224);
    assertThat(either.height()).isBetween(336, 1000);
    assertThat(either.sample(either.width() / 2, either.height() / 2, 1)).isBetween(150, 170);
    assertThat(decoder.decode(jpeg).width()).isEqualTo(6000);
  }

  @Test
  void emptyFileIsRefused() {
    assertThatThrownBy(() -> decoder.decode(new byte[0]))
        .isInstanceOfSatisfying(ImageDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(FailureReason.EMPTY_FILE));
  }

  @Test
  void textFileIsNotAnImage() {
    byte[] text = "this is not a photo of a fruit\n".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> decoder.decode(text))
        .isInstanceOfSatisfying(ImageDecodeException.class, e -> {
          assertThat(e.reason()).isEqualTo(FailureReason.NOT_AN_IMAGE);
          assertThat(e.describe()).isEqualTo("not_an_image: not a JPEG or PNG image");
        });
  }

  @Test
  void truncatedJpegIsCorrupt() {
    byte[] jpeg = TestImages.read(TestImages.photo("Training", "Kiwi", "0_100.jpg"));
    byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 2);
    assertThatThrownBy(() -> decoder.decode(truncated))
        .isInstanceOfSatisfying(ImageDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(FailureReason.CORRUPT));
  }

  @Test
  void decompressionBombIsRefusedByItsHeader() {
    byte[] bomb = TestImages.pngHeaderClaiming(30000, 30000);
    assertThatThrownBy(() -> decoder.decode(bomb))
        .isInstanceOfSatisfying(ImageDecodeException.class, e -> {
          assertThat(e.reason()).isEqualTo(FailureReason.TOO_LARGE);
          assertThat(e.getMessage()).contains("30000x30000").contains("refused before decoding");
        });
  }

  @Test
  void aThreadDecodesTheSameAfterFailuresAndOtherFormats() throws Exception {
    // each thread keeps its readers between images: a failure must not leave one in a state that changes the next
    byte[] jpeg = TestImages.read(TestImages.photo("Training", "Kiwi", "0_100.jpg"));
    byte[] png = TestImages.encode(new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB), "png");
    RgbImage first = decoder.decode(jpeg);
    byte[][] hostile = {Arrays.copyOf(jpeg, jpeg.length / 2), Arrays.copyOf(jpeg, 40),
        TestImages.pngHeaderClaiming(30000, 30000), "text".getBytes(StandardCharsets.UTF_8), png};
    for (byte[] bytes : hostile) {
      try {
        decoder.decode(bytes);
      } catch (ImageDecodeException expected) {
        // the reason is tested above; what matters here is the next photo
      }
      RgbImage again = decoder.decode(jpeg);
      assertThat(again.width()).isEqualTo(first.width());
      assertThat(again.pixels()).isEqualTo(first.pixels());
    }
    RgbImage onAnotherThread = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
      try {
        return new ImageDecoder().decode(jpeg);
      } catch (ImageDecodeException e) {
        throw new IllegalStateException(e);
      }
    }).get();
    assertThat(onAnotherThread.pixels()).isEqualTo(first.pixels());
  }

  @Test
  void aScanBombIsRefusedBeforeAnyPixelIsDecoded() throws Exception {
    byte[] bomb = TestImages.scanBomb(2000, 2000, 300);
    assertThatThrownBy(() -> decoder.decode(bomb))
        .isInstanceOfSatisfying(ImageDecodeException.class, e -> {
          assertThat(e.reason()).isEqualTo(FailureReason.TOO_COSTLY);
          assertThat(e.getMessage()).contains("310 scans").contains("refused before decoding");
        });
    // few scans, but over so many pixels that rendering each is the cost
    ImageDecoder strict = new ImageDecoder(DecodeLimits.defaults().withMaxScans(100, 20_000_000L));
    assertThatThrownBy(() -> strict.decode(TestImages.scanBomb(2000, 2000, 0)))
        .isInstanceOfSatisfying(ImageDecodeException.class,
            e -> assertThat(e.reason()).isEqualTo(FailureReason.TOO_COSTLY));
    assertThat(strict.decode(TestImages.scanBomb(400, 300, 0)).width()).isEqualTo(400);
  }

  @Test
  void aDecodeThatOutlivesItsDeadlineIsStoppedByEitherReader() throws Exception {
    // limits that let the bomb through: only the deadline can stop it
    ImageDecoder patient = new ImageDecoder(new DecodeLimits(DecodeLimits.DEFAULT_MAX_PIXELS, 100_000,
        Long.MAX_VALUE, java.time.Duration.ofMillis(30)));
    byte[] bomb = TestImages.scanBomb(2000, 2000, 3000);
    for (String reader : new String[] {ImageDecoder.PLAIN_JPEG, ImageDecoder.JPEG}) {
      long deadline = System.nanoTime() + 30_000_000L;
      assertThatThrownBy(() -> patient.decode(bomb, reader, 1, 3010, 0, 0, deadline))
          .as(reader)
          .isInstanceOfSatisfying(ImageDecodeException.class, e -> {
            assertThat(e.reason()).isEqualTo(FailureReason.TOO_COSTLY);
            assertThat(e.getMessage()).contains("took longer than the 30 ms allowed");
          });
    }
    // the thread's readers are sound afterwards
    assertThat(patient.decode(TestImages.scanBomb(64, 48, 0)).width()).isEqualTo(64);
  }

  @Test
  void aTruncatedFileIsNotHandedToASecondReader() {
    byte[] bomb = TestImages.scanBomb(600, 400, 50);
    byte[] truncated = Arrays.copyOf(bomb, bomb.length - 200);
    assertThatThrownBy(() -> decoder.decode(truncated))
        .isInstanceOfSatisfying(ImageDecodeException.class, e -> {
          assertThat(e.reason()).isEqualTo(FailureReason.CORRUPT);
          assertThat(e.worthAnotherReader()).isFalse();
        });
  }

  @Test
  void aHostileExifOffsetLeavesThePhotoUpright() throws Exception {
    byte[] jpeg = TestImages.read(TestImages.photo("Training", "Kiwi", "0_100.jpg"));
    RgbImage upright = decoder.decode(jpeg);
    RgbImage hostile = decoder.decode(TestImages.withExif(jpeg, 6, 0xFFFFFFF2));
    assertThat(hostile.pixels()).isEqualTo(upright.pixels());
  }
}
