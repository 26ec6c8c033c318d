package com.fruits.core.image;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The one image decoder of the project, used by the batch pipeline and the web server alike.
 *
 * <p>Decodes JPEG (baseline, progressive, grayscale; CMYK/YCCK and ICC profiles through TwelveMonkeys, plain files
 * through the JDK's reader, see {@link JpegSegments}) and PNG (8/16-bit, gray, palette, alpha) into an 8-bit
 * {@link RgbImage}: alpha is composited onto white, EXIF orientation is applied,
 * 16-bit samples are reduced to 8 bits. The header is read first and images whose pixel count exceeds
 * {@code maxPixels} are refused before any pixel is decoded (decompression-bomb guard). Large photos are decoded
 * with source subsampling so that the result is still at least twice the size the caller needs.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ImageDecoder {
  /** 100 megapixels: larger than any phone photo, far below what would exhaust an executor. */
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

  static {
    registerPlugins();
  }

  private final long maxPixels;

  public ImageDecoder() {
    this(DEFAULT_MAX_PIXELS);
  }

  public ImageDecoder(long maxPixels) {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be positive");
    }
    this.maxPixels = maxPixels;
  }

  /**
   * ImageIO discovers plugins (TwelveMonkeys' JPEG reader) through the context class loader of the thread that
   * first touches it; on a Spark executor that may not be the loader holding the job jar, so scan explicitly with
   * ours.
   */
  private static void registerPlugins() {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    try {
      thread.setContextClassLoader(ImageDecoder.class.getClassLoader());
      ImageIO.setUseCache(false);
      ImageIO.scanForPlugins();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  /** Decodes at full resolution. */
  public RgbImage decode(byte[] bytes) throws ImageDecodeException {
    return decode(bytes, 0, 0);
  }

  /**
   * Decodes {@code bytes}; when {@code minWidth}/{@code minHeight} are positive, the decoder may subsample a large
   * image as long as the (upright) result stays at least twice that size in both directions.
   */
  public RgbImage decode(byte[] bytes, int minWidth, int minHeight) throws ImageDecodeException {
    if (bytes == null || bytes.length == 0) {
      throw new ImageDecodeException(FailureReason.EMPTY_FILE, "empty file (0 bytes)");
    }
    String format = formatOf(bytes);
    if (format == null) {
      throw new ImageDecodeException(FailureReason.NOT_AN_IMAGE, "not a JPEG or PNG image");
    }
    if (!format.equals(JPEG)) {
      return decode(bytes, format, ExifOrientation.UPRIGHT, minWidth, minHeight);
    }
    JpegSegments segments = JpegSegments.scan(bytes);
    if (segments.plain()) {
      try {
        return decode(bytes, PLAIN_JPEG, segments.orientation(), minWidth, minHeight);
      } catch (ImageDecodeException e) {
        if (e.reason() != FailureReason.CORRUPT) {
          throw e;
        }
        // a damaged or unusual file: TwelveMonkeys' reader tolerates more, and words the failure
      }
    }
    return decode(bytes, JPEG, segments.orientation(), minWidth, minHeight);
  }

  /** Decodes with the given kind of reader ({@link #JPEG}, {@link #PLAIN_JPEG}, {@link #PNG}), no fallback. */
  RgbImage decode(byte[] bytes, String readerKind, int orientation, int minWidth, int minHeight)
      throws ImageDecodeException {
    Readers readers = READERS.get();
    ImageReader reader = readers.borrow(readerKind);
    boolean readerFailed = false;
    List<String> warnings = new ArrayList<>();
    try {
      reader.setInput(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)), true, true);
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      int width;
      int height;
      try {
        width = reader.getWidth(0);
        height = reader.getHeight(0);
      } catch (IOException | RuntimeException e) {
        readerFailed = true;
        throw new ImageDecodeException(FailureReason.CORRUPT, "unreadable image header (" + describe(e) + ")", e);
      }
      long pixels = (long) width * height;
      if (width <= 0 || height <= 0 || pixels > maxPixels) {
        throw new ImageDecodeException(FailureReason.TOO_LARGE, String.format(Locale.ROOT,
            "header claims %dx%d pixels (%.1f MP), above the %.1f MP limit; refused before decoding",
            width, height, pixels / 1e6, maxPixels / 1e6));
      }
      boolean swap = ExifOrientation.swapsAxes(orientation);
      ImageReadParam param = reader.getDefaultReadParam();
      int step = subsampling(swap ? height : width, swap ? width : height, minWidth, minHeight);
      if (step > 1) {
        param.setSourceSubsampling(step, step, 0, 0);
      }
      BufferedImage image;
      try {
        image = reader.read(0, param);
      } catch (IOException | RuntimeException e) {
        readerFailed = true;
        throw new ImageDecodeException(FailureReason.CORRUPT, "damaged image data (" + describe(e) + ")", e);
      } catch (OutOfMemoryError e) {
        readerFailed = true;
        throw new ImageDecodeException(FailureReason.TOO_LARGE, "not enough memory to decode " + width + "x" + height);
      }
      for (String warning : warnings) {
        if (warning.toLowerCase(Locale.ROOT).contains("premature end")) {
          throw new ImageDecodeException(FailureReason.CORRUPT, "truncated image data (" + warning.trim() + ")");
        }
      }
      return ExifOrientation.apply(toRgb(image), orientation);
    } finally {
      readers.giveBack(readerKind, reader, !readerFailed);
    }
  }

  static final String JPEG = "jpeg";
  static final String PNG = "png";
  /** A {@link JpegSegments#plain() plain} JPEG, read with the JDK's own reader. */
  static final String PLAIN_JPEG = "plain jpeg";

  /** {@link #JPEG} or {@link #PNG} by the file's signature, else null. */
  private static String formatOf(byte[] bytes) {
    if (bytes.length > 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8) {
      return JPEG;
    }
    if (bytes.length > 8 && (bytes[0] & 0xFF) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N' && bytes[3] == 'G') {
      return PNG;
    }
    return null;
  }

  /**
   * A reader per kind ({@link #JPEG}, {@link #PLAIN_JPEG}, {@link #PNG}) and thread, kept between images: creating a
   * JPEG reader allocates native decoder state, and finding one walks ImageIO's registry. A reader is reset after
   * each image, and disposed of instead after one whose header or pixel data failed to decode.
   */
  private static final class Readers {
    private final Map<String, ImageReader> idle = new HashMap<>();

    ImageReader borrow(String kind) {
      ImageReader reader = idle.remove(kind);
      return reader != null ? reader : create(kind);
    }

    void giveBack(String kind, ImageReader reader, boolean reusable) {
      if (reusable) {
        reader.reset();
        idle.put(kind, reader);
      } else {
        reader.dispose();
      }
    }

    /**
     * TwelveMonkeys' JPEG reader handles CMYK/YCCK, ICC profiles and broken ones that the JDK's reader rejects; for a
     * plain JPEG it parses every segment again (its Huffman tables alone allocate about 200 KB an image) and copies
     * the decoded raster, so the JDK's reader, which TwelveMonkeys delegates the decoding to anyway, reads those.
     */
    private static ImageReader create(String kind) {
      boolean twelveMonkeys = !kind.equals(PLAIN_JPEG);
      ImageReader chosen = null;
      for (Iterator<ImageReader> candidates = ImageIO.getImageReadersByFormatName(kind.equals(PNG) ? PNG : JPEG);
          candidates.hasNext(); ) {
        ImageReader candidate = candidates.next();
        if (chosen == null || candidate.getClass().getName().startsWith("com.twelvemonkeys") == twelveMonkeys) {
          if (chosen != null) {
            chosen.dispose();
          }
          chosen = candidate;
        } else {
          candidate.dispose();
        }
      }
      if (chosen == null) {
        throw new IllegalStateException("no ImageIO reader for " + kind);
      }
      return chosen;
    }
  }

  private static final ThreadLocal<Readers> READERS = ThreadLocal.withInitial(Readers::new);

  static int subsampling(int width, int height, int minWidth, int minHeight) {
    if (minWidth <= 0 || minHeight <= 0) {
      return 1;
    }
    return Math.max(1, Math.min(width / (2 * minWidth), height / (2 * minHeight)));
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    String text = message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    return text.replaceAll("\\s+", " ").trim();
  }

  /**
   * Converts any decoded image to interleaved 8-bit RGB over a white background. The pixels of a 3-byte BGR image
   * (what JPEG readers return) are reordered in place and taken over: the image must not be used afterwards.
   */
  static RgbImage toRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    if (image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
      Raster raster = image.getRaster();
      if (raster.getParent() == null && bgr.length == w * h * 3) {
        for (int i = 0; i < bgr.length; i += 3) {
          byte blue = bgr[i];
          bgr[i] = bgr[i + 2];
          bgr[i + 2] = blue;
        }
        return new RgbImage(w, h, bgr);
      }
    }
    byte[] out = new byte[w * h * 3];
    if (image.getColorModel() instanceof ComponentColorModel cm
        && (cm.getColorSpace().isCS_sRGB() || cm.getColorSpace().getType() == java.awt.color.ColorSpace.TYPE_GRAY)) {
      copyComponents(image.getRaster(), cm, out);
      return new RgbImage(w, h, out);
    }
    // Palette, packed and other colour models: let Java2D convert to sRGB.
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x = 0; x < w; x++) {
        int argb = row[x];
        int a = argb >>> 24;
        int o = (y * w + x) * 3;
        out[o] = (byte) overWhite((argb >> 16) & 0xFF, a);
        out[o + 1] = (byte) overWhite((argb >> 8) & 0xFF, a);
        out[o + 2] = (byte) overWhite(argb & 0xFF, a);
      }
    }
    return new RgbImage(w, h, out);
  }

  /**
   * Gray, gray+alpha, RGB and RGBA rasters of 8 or 16 bits: samples are taken as stored (gamma-encoded, as PNG
   * and JPEG store them) rather than passed through Java2D's linear-gray colour conversion.
   */
  private static void copyComponents(Raster raster, ComponentColorModel cm, byte[] out) {
    int w = raster.getWidth();
    int h = raster.getHeight();
    int bands = raster.getNumBands();
    boolean alpha = cm.hasAlpha();
    int colorBands = alpha ? bands - 1 : bands;
    int shift = raster.getTransferType() == DataBuffer.TYPE_USHORT ? 8 : 0;
    int[] samples = new int[w * bands];
    for (int y = 0; y < h; y++) {
      raster.getPixels(0, y, w, 1, samples);
      for (int x = 0; x < w; x++) {
        int s = x * bands;
        int a = alpha ? samples[s + bands - 1] >> shift : 255;
        int o = (y * w + x) * 3;
        if (colorBands >= 3) {
          out[o] = (byte) overWhite(samples[s] >> shift, a);
          out[o + 1] = (byte) overWhite(samples[s + 1] >> shift, a);
          out[o + 2] = (byte) overWhite(samples[s + 2] >> shift, a);
        } else {
          byte g = (byte) overWhite(samples[s] >> shift, a);
          out[o] = g;
          out[o + 1] = g;
          out[o + 2] = g;
        }
      }
    }
  }

  private static int overWhite(int value, int alpha) {
    if (alpha == 255) {
      return value;
    }
    return (value * alpha + 255 * (255 - alpha) + 127) / 255;
  }
}
