package com.fruits.bench;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Phone-size JPEGs for benchmarks, made from ordinary photos: each is scaled up to a phone camera's 4032×3024 and
 * given the fine grain of a phone sensor, then saved as a baseline 4:2:0 JPEG at quality 92, as phone cameras write
 * them. The grain matters: a smooth upscaled photo compresses to a few hundred KB and decodes several times faster
 * than a real 2 to 5 MB one. Deterministic: the same sources and seed give the same files.
 */
public final class PhonePhotos {
  public static final int WIDTH = 4032;
  public static final int HEIGHT = 3024;
  private static final float QUALITY = 0.92f;
  /**
   * Grain amplitude in 8-bit levels: gives files of about 2 MB, like a 12 MP phone photo of a quiet scene (10 gives
   * about 4 MB, a busy one).
   */
  private static final int GRAIN = 3;

  private PhonePhotos() {}

  /**
   * Writes {@code count} phone-size JPEGs into {@code out} (made from the photos under {@code sources}, in turn),
   * unless {@code out} already holds that many; returns their paths.
   */
  public static List<Path> ensure(Path sources, int count, Path out, long seed) throws IOException {
    Files.createDirectories(out);
    List<Path> made = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      made.add(out.resolve(String.format(Locale.ROOT, "phone-%04d.jpg", i)));
    }
    if (made.stream().allMatch(Files::isRegularFile)) {
      return made;
    }
    List<Path> inputs;
    try (Stream<Path> files = Files.walk(sources)) {
      inputs = files.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpe?g|png)"))
          .sorted().toList();
    }
    if (inputs.isEmpty()) {
      throw new IOException("no JPEG or PNG photos under " + sources);
    }
    // spread over the sources (a sorted walk would take one class's photos only)
    int stride = Math.max(1, inputs.size() / count);
    try {
      IntStream.range(0, count).parallel().forEach(i -> {
        Path input = inputs.get((i * stride) % inputs.size());
        try {
          BufferedImage source = ImageIO.read(input.toFile());
          if (source == null) {
            throw new IOException("cannot read " + input);
          }
          Files.write(made.get(i), encode(phoneSize(source, seed + i)));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return made;
  }

  /** {@code source} scaled to 4032×3024 (bicubic), with sensor-like grain drawn from {@code seed}. */
  public static BufferedImage phoneSize(BufferedImage source, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    BufferedImage large = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = large.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
    g.drawImage(source, 0, 0, WIDTH, HEIGHT, null);
    g.dispose();
    byte[] pixels = ((DataBufferByte) large.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < pixels.length; i += 3) {
      int luma = random.nextInt(2 * GRAIN + 1) - GRAIN;
      for (int c = 0; c < 3; c++) {
        int v = (pixels[i + c] & 0xFF) + luma + random.nextInt(5) - 2;
        pixels[i + c] = (byte) Math.max(0, Math.min(255, v));
      }
    }
    return large;
  }

  /** {@code image} as a baseline JPEG at a phone camera's quality. */
  public static byte[] encode(BufferedImage image) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(4 << 20);
    try (ImageOutputStream output = ImageIO.createImageOutputStream(bytes)) {
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(QUALITY);
      writer.setOutput(output);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
