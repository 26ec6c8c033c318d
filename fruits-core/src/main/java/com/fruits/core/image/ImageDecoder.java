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
import java.util.Optional;
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
 * 16-bit samples are reduced to 8 bits. The header and the JPEG's scans are read first, and a file that would cost
 * more than its {@link DecodeLimits} (pixels, progressive scans) is refused before any pixel is decoded; a decode
 * that passes them and still runs past the deadline is stopped. Either way the caller gets an
 * {@link ImageDecodeException}, never a stalled thread. Large photos are decoded at reduced scale: plain JPEGs by
 * libjpeg-turbo's DCT scaling where {@link TurboJpeg} is installed (filtered, never holding the full-size pixels;
 * the result keeps 1.5 times the size the caller needs), everything else by ImageIO's source subsampling (which
 * point-samples, so the result keeps twice that size).
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class ImageDecoder {
  static {
    registerPlugins();
  }

  /**
   * Progressive JPEGs of more scans than this go to ImageIO, whose decode the deadline can stop; libjpeg-turbo's
   * cannot be stopped once started (ordinary progressive photos have about 10 scans).
   */
  static final int TURBO_MAX_SCANS = 12;

  private final DecodeLimits limits;
  /** libjpeg-turbo where it loaded, else null: ImageIO alone. */
  private final TurboJpeg turbo;

  public ImageDecoder() {
    this(DecodeLimits.defaults());
  }

  public ImageDecoder(DecodeLimits limits) {
    this(limits, TurboJpeg.get().orElse(null));
  }

  /** With {@code turbo} null, every image goes through ImageIO. */
  ImageDecoder(DecodeLimits limits, TurboJpeg turbo) {
    this.limits = java.util.Objects.requireNonNull(limits, "limits");
    this.turbo = turbo;
  }

  /** This decoder with ImageIO alone, libjpeg-turbo left out: the reference its results are compared with. */
  public ImageDecoder withoutTurbo() {
    return new ImageDecoder(limits, null);
  }

  /** Whether plain JPEGs go through libjpeg-turbo. */
  public boolean usesTurbo() {
    return turbo != null;
  }

  public DecodeLimits limits() {
    return limits;
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
    long deadline = System.nanoTime() + limits.deadline().toNanos();
    if (!format.equals(JPEG)) {
      return decode(bytes, format, ExifOrientation.UPRIGHT, 1, minWidth, minHeight, deadline);
    }
    JpegSegments segments = JpegSegments.scan(bytes);
    if (segments.plain() && segments.scans() <= TURBO_MAX_SCANS && turbo != null) {
      boolean swap = ExifOrientation.swapsAxes(segments.orientation());
      Optional<RgbImage> decoded = turbo.decode(bytes, segments.scans(), limits,
          turboMinimum(swap ? minHeight : minWidth), turboMinimum(swap ? minWidth : minHeight));
      if (decoded.isPresent()) {
        return ExifOrientation.apply(decoded.get(), segments.orientation());
      }
    }
    if (segments.plain()) {
      try {
        return decode(bytes, PLAIN_JPEG, segments.orientation(), segments.scans(), minWidth, minHeight, deadline);
      } catch (ImageDecodeException e) {
        if (e.reason() != FailureReason.CORRUPT || !e.worthAnotherReader()) {
          throw e;
        }
        // the JDK's reader gave up on the file's structure: TwelveMonkeys' reader tolerates more, and words the failure
      }
    }
    return decode(bytes, JPEG, segments.orientation(), Math.max(1, segments.scans()), minWidth, minHeight, deadline);
  }

  /**
   * Decodes with the given kind of reader ({@link #JPEG}, {@link #PLAIN_JPEG}, {@link #PNG}), no fallback;
   * {@code scans} is the JPEG's scan count (1 for PNG), {@code deadline} a {@link System#nanoTime()}.
   */
  RgbImage decode(byte[] bytes, String readerKind, int orientation, int scans, int minWidth, int minHeight,
      long deadline) throws ImageDecodeException {
    Readers readers = READERS.get();
    ImageReader reader = readers.borrow(readerKind);
    boolean readerFailed = false;
    List<String> warnings = new ArrayList<>();
    try {
      reader.setInput(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)), true, true);
      reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
      if (scans > 1) {
        reader.addIIOReadUpdateListener(new Deadline(deadline));
      }
      int width;
      int height;
      try {
        width = reader.getWidth(0);
        height = reader.getHeight(0);
      } catch (IOException | RuntimeException e) {
        readerFailed = true;
        throw new ImageDecodeException(FailureReason.CORRUPT, "unreadable image header (" + describe(e) + ")", e,
            true);
      }
      limits.check(width, height, scans);
      boolean swap = ExifOrientation.swapsAxes(orientation);
      ImageReadParam param = reader.getDefaultReadParam();
      int step = subsampling(swap ? height : width, swap ? width : height, minWidth, minHeight);
      if (step > 1) {
        param.setSourceSubsampling(step, step, 0, 0);
      }
      BufferedImage image;
      try {
        image = reader.read(0, param);
      } catch (Deadline.Passed e) {
        readerFailed = true;
        throw new ImageDecodeException(FailureReason.TOO_COSTLY, String.format(Locale.ROOT,
            "decoding %dx%d pixels of %d scans took longer than the %d ms allowed; stopped", width, height, scans,
            limits.deadline().toMillis()));
      } catch (IOException | RuntimeException e) {
        readerFailed = true;
        throw new ImageDecodeException(FailureReason.CORRUPT, "damaged image data (" + describe(e) + ")", e);
      } catch (OutOfMemoryError e) {
        readerFailed = true;
        throw new ImageDecodeException(FailureReason.TOO_LARGE, "not enough memory to decode " + width + "x" + height);
      }
      for (String warning : warnings) {
        if (warning.toLowerCase(Locale.ROOT).contains("premature end")) {
          // every pixel the file holds has been decoded: another reader would only repeat that work
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

  /**
   * Stops a multi-scan decode at its deadline. The JDK's native JPEG decoder ignores {@link ImageReader#abort()}
   * between the passes of a progressive image (and refuses it from another thread), but it returns as soon as a
   * listener it calls back throws, so the listener checks the clock at every pass and update and throws.
   */
  private static final class Deadline implements javax.imageio.event.IIOReadUpdateListener {
    static final class Passed extends RuntimeException {
      Passed() {
        super("decode deadline passed", null, false, false);
      }
    }

    private final long deadline;

    Deadline(long deadline) {
      this.deadline = deadline;
    }

    private void check() {
      if (System.nanoTime() - deadline > 0) {
        throw new Passed();
      }
    }

    @Override
    public void passStarted(ImageReader source, BufferedImage image, int pass, int minPass, int maxPass, int minX,
        int minY, int periodX, int periodY, int[] bands) {
      check();
    }

    @Override
    public void imageUpdate(ImageReader source, BufferedImage image, int minX, int minY, int width, int height,
        int periodX, int periodY, int[] bands) {
      check();
    }

    @Override
    public void passComplete(ImageReader source, BufferedImage image) {
      check();
    }

    @Override
    public void thumbnailPassStarted(ImageReader source, BufferedImage thumbnail, int pass, int minPass, int maxPass,
        int minX, int minY, int periodX, int periodY, int[] bands) {}

    @Override
    public void thumbnailUpdate(ImageReader source, BufferedImage thumbnail, int minX, int minY, int width,
        int height, int periodX, int periodY, int[] bands) {}

    @Override
    public void thumbnailPassComplete(ImageReader source, BufferedImage thumbnail) {}
  }

  /**
   * The size a DCT-scaled decode must keep: 1.5 times what the caller needs. Unlike subsampling, DCT scaling filters,
   * so no margin against aliasing is needed, only one for {@link ImageViews}' closer crops (0.7 of the photo), which
   * must not be scaled up. Measured on 12 MP photos: features within cosine 0.9998 of a full-size decode, against
   * 0.995 (0.986 at worst) for twice-the-size subsampling.
   */
  static int turboMinimum(int min) {
    return min <= 0 ? 0 : (min * 3 + 1) / 2;
  }

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
