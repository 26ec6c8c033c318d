package com.fruits.core;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/** Locations of the shared models and photos, and generators of unusual or hostile image files. */
public final class TestImages {
  private TestImages() {}

  public static Path sharedDir() {
    return Path.of(System.getProperty("fruits.shared.dir", "../shared")).toAbsolutePath().normalize();
  }

  public static Path repoDir() {
    return Path.of(System.getProperty("fruits.repo.dir", "..")).toAbsolutePath().normalize();
  }

  public static Path modelSpec(String name) {
    return repoDir().resolve("models").resolve(name + ".json");
  }

  public static Path fruitsDir() {
    return sharedDir().resolve("data/fruits-360");
  }

  public static Path photo(String split, String label, String file) {
    return fruitsDir().resolve(split).resolve(label).resolve(file);
  }

  /** Copies the first {@code count} files of {@code from} (by name) into {@code to}; returns how many it copied. */
  public static int copyFirst(Path from, Path to, int count) throws IOException {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      List<Path> first = files.sorted().limit(count).toList();
      for (Path file : first) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
      return first.size();
    }
  }

  /**
   * A small Fruits-360-style folder under {@code images}: the first {@code training} and {@code test} shared studio
   * photos of each label in {@code Training/<label>} and {@code Test/<label>}.
   */
  public static void studioFolder(Path images, List<String> labels, int training, int test) throws IOException {
    for (String label : labels) {
      copyFirst(fruitsDir().resolve("Training/" + label), images.resolve("Training/" + label), training);
      copyFirst(fruitsDir().resolve("Test/" + label), images.resolve("Test/" + label), test);
    }
  }

  /** The cosine of the angle between two feature vectors. */
  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    double aa = 0;
    double bb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      aa += a[i] * a[i];
      bb += b[i] * b[i];
    }
    return dot / Math.sqrt(aa * bb);
  }

  public static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] encode(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A solid-colour image of the given type. */
  public static BufferedImage solid(int width, int height, int type, int rgb) {
    BufferedImage image = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }

  /** A valid PNG signature and IHDR chunk that claim {@code width × height}, followed by no pixel data. */
  public static byte[] pngHeaderClaiming(int width, int height) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    byte[] ihdr = new byte[17];
    ihdr[0] = 'I';
    ihdr[1] = 'H';
    ihdr[2] = 'D';
    ihdr[3] = 'R';
    putInt(ihdr, 4, width);
    putInt(ihdr, 8, height);
    ihdr[12] = 8; // bit depth
    ihdr[13] = 2; // truecolour
    byte[] length = new byte[4];
    putInt(length, 0, 13);
    out.writeBytes(length);
    out.writeBytes(ihdr);
    CRC32 crc = new CRC32();
    crc.update(ihdr);
    byte[] crcBytes = new byte[4];
    putInt(crcBytes, 0, (int) crc.getValue());
    out.writeBytes(crcBytes);
    return out.toByteArray();
  }

  /** Inserts an APP1/Exif segment with the given orientation right after the JPEG's SOI marker. */
  public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    return withExif(jpeg, orientation, 8);
  }

  /**
   * Inserts an APP1/Exif segment whose TIFF header puts the first IFD at {@code ifdOffset} (8 in a sound file; a
   * hostile one claims e.g. 0xFFFFFFF2) and whose IFD holds the given orientation.
   */
  public static byte[] withExif(byte[] jpeg, int orientation, int ifdOffset) {
    byte[] tiff = {
      'M', 'M', 0, 42, (byte) (ifdOffset >>> 24), (byte) (ifdOffset >>> 16), (byte) (ifdOffset >>> 8),
      (byte) ifdOffset, // big-endian TIFF header, then where the IFD starts
      0, 1, // one entry
      0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // orientation, SHORT, count 1, value
      0, 0, 0, 0 // no next IFD
    };
    int segmentLength = 2 + 6 + tiff.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xFF);
    out.write(0xD8);
    out.write(0xFF);
    out.write(0xE1);
    out.write(segmentLength >> 8);
    out.write(segmentLength & 0xFF);
    out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    out.writeBytes(tiff);
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  private static void putInt(byte[] b, int at, int value) {
    b[at] = (byte) (value >>> 24);
    b[at + 1] = (byte) (value >>> 16);
    b[at + 2] = (byte) (value >>> 8);
    b[at + 3] = (byte) value;
  }

  /**
   * A progressive JPEG of flat grey whose last scan is repeated {@code extraScans} times: a scan bomb. Each repeat
   * is a few bytes, and a progressive decoder renders the whole image once per scan.
   */
  public static byte[] scanBomb(int width, int height, int extraScans) {
    BufferedImage grey = solid(width, height, BufferedImage.TYPE_3BYTE_BGR, 0x808080);
    javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    javax.imageio.ImageWriteParam param = writer.getDefaultWriteParam();
    param.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
    ByteArrayOutputStream progressive = new ByteArrayOutputStream();
    try (javax.imageio.stream.ImageOutputStream out = ImageIO.createImageOutputStream(progressive)) {
      writer.setOutput(out);
      writer.write(null, new javax.imageio.IIOImage(grey, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    byte[] jpeg = progressive.toByteArray();
    int lastScan = -1;
    for (int i = 0; i + 1 < jpeg.length; i++) {
      if (jpeg[i] == (byte) 0xFF && jpeg[i + 1] == (byte) 0xDA) {
        lastScan = i;
      }
    }
    int endOfImage = jpeg.length - 2;
    ByteArrayOutputStream bomb = new ByteArrayOutputStream();
    bomb.write(jpeg, 0, endOfImage);
    for (int i = 0; i < extraScans; i++) {
      bomb.write(jpeg, lastScan, endOfImage - lastScan);
    }
    bomb.write(jpeg, endOfImage, 2);
    return bomb.toByteArray();
  }

  /** A 4-channel JPEG with an Adobe APP14 marker, as Photoshop writes CMYK JPEGs (stored inverted, transform 0). */
  public static byte[] cmykJpeg(int width, int height, int[] cmyk) throws IOException {
    java.awt.image.WritableRaster raster = java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, width, height, 4, null);
    int[] inverted = java.util.Arrays.stream(cmyk).map(v -> 255 - v).toArray();
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        raster.setPixel(x, y, inverted);
      }
    }
    javax.imageio.ImageWriter writer = null;
    for (var it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
      javax.imageio.ImageWriter candidate = it.next();
      if (candidate.getClass().getName().startsWith("com.sun")) {
        writer = candidate;
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (javax.imageio.stream.MemoryCacheImageOutputStream stream = new javax.imageio.stream.MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      writer.write(null, new javax.imageio.IIOImage(raster, null, null), null);
    }
    writer.dispose();
    byte[] plain = out.toByteArray();
    // insert an Adobe APP14 segment (transform 0 = CMYK, no YCC) after SOI
    byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
    byte[] result = new byte[plain.length + adobe.length];
    result[0] = plain[0];
    result[1] = plain[1];
    System.arraycopy(adobe, 0, result, 2, adobe.length);
    System.arraycopy(plain, 2, result, 2 + adobe.length, plain.length - 2);
    return result;
  }

}
