package com.fruits.core.image;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libjpeg-turbo through its own Java binding (TurboJPEG), used to decode a large JPEG straight to a fraction of its
 * size: the inverse DCT of each 8×8 block computes only the 1, 2, 4, … pixels the scale keeps, so a 12 MP photo
 * never becomes 12 MP of pixels, and the result is filtered, not point-sampled.
 *
 * <p>The binding is not on Maven Central; Debian and Ubuntu package it ({@code libturbojpeg-java}, whose jar loads
 * the JNI symbols from {@code libturbojpeg0}; {@code libturbojpeg0-dev} adds the {@code libturbojpeg.so} name it
 * loads by). It is found on the class path, else in the jar named by the {@value #JAR_PROPERTY} system property,
 * the {@code FRUITS_TURBOJPEG_JAR} environment variable, or {@value #DEBIAN_JAR}. Where none loads, {@link #get()}
 * is empty and {@link ImageDecoder} keeps its ImageIO path alone. The {@value #MODE_PROPERTY} system property (else
 * the {@code FRUITS_TURBOJPEG} environment variable) set to {@code off} turns it off on purpose, and
 * {@code required} makes its absence an error (CI).
 *
 * <p>Reached through method handles, so the build needs no copy of the binding. Thread-safe: one native
 * decompressor per thread.
 */
public final class TurboJpeg {
  public static final String JAR_PROPERTY = "fruits.turbojpeg.jar";
  public static final String MODE_PROPERTY = "fruits.turbojpeg";
  static final String DEBIAN_JAR = "/usr/share/java/turbojpeg.jar";
  private static final String PACKAGE = "org.libjpegturbo.turbojpeg.";
  /** TJ.PF_RGB: interleaved 8-bit R, G, B. */
  private static final int PF_RGB = 0;
  private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);

  private static final Loaded LOADED = load();

  private final MethodHandle create;
  private final MethodHandle setSource;
  private final MethodHandle width;
  private final MethodHandle height;
  private final MethodHandle decompress;
  /** The scales the library decodes at, as numerator/denominator pairs, at most 1/2, largest first. */
  private final int[][] scales;
  private final String version;
  private final ThreadLocal<Object> decompressors;

  private TurboJpeg(Class<?> decompressor, int[][] scales, String version) throws ReflectiveOperationException {
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    // adapted once to the types of their call sites (Object for the binding's class) and called with invokeExact:
    // a plain invoke adapted a handle to its call site on every call (the binding's class comes from another class
    // loader, so the JDK does not cache the adaptation), which showed in profiles of featurizing small photos
    this.create = lookup.findConstructor(decompressor, MethodType.methodType(void.class))
        .asType(MethodType.methodType(Object.class));
    this.setSource = lookup.findVirtual(decompressor, "setSourceImage",
        MethodType.methodType(void.class, byte[].class, int.class))
        .asType(MethodType.methodType(void.class, Object.class, byte[].class, int.class));
    this.width = lookup.findVirtual(decompressor, "getWidth", MethodType.methodType(int.class))
        .asType(MethodType.methodType(int.class, Object.class));
    this.height = lookup.findVirtual(decompressor, "getHeight", MethodType.methodType(int.class))
        .asType(MethodType.methodType(int.class, Object.class));
    MethodType decompressType = MethodType.methodType(void.class, byte[].class,
        int.class, int.class, int.class, int.class, int.class, int.class, int.class);
    this.decompress = lookup.findVirtual(decompressor, "decompress", decompressType)
        .asType(decompressType.insertParameterTypes(0, Object.class));
    this.scales = scales;
    this.version = version;
    this.decompressors = ThreadLocal.withInitial(() -> {
      try {
        return (Object) create.invokeExact();
      } catch (Throwable e) {
        throw new IllegalStateException("TurboJPEG: cannot create a decompressor: " + e, e);
      }
    });
  }

  /** The binding, when it loaded and was not turned off. */
  public static Optional<TurboJpeg> get() {
    return Optional.ofNullable(LOADED.turbo());
  }

  /** One line for logs and benchmarks: which JPEG decoder large photos go through, and why. */
  public static String describe() {
    return LOADED.turbo() != null ? "libjpeg-turbo" + LOADED.turbo().version + " (DCT-scaled decoding)"
        : "ImageIO only (" + LOADED.why() + ")";
  }

  /**
   * The smallest scale this library decodes at that keeps both sides of a {@code width} × {@code height} image at
   * least {@code minWidth} × {@code minHeight}, as {numerator, denominator}; {1, 1} when none is smaller.
   */
  int[] scaleFor(int width, int height, int minWidth, int minHeight) {
    int[] chosen = {1, 1};
    if (minWidth <= 0 || minHeight <= 0) {
      return chosen;
    }
    for (int[] scale : scales) {
      if (scaled(width, scale) >= minWidth && scaled(height, scale) >= minHeight) {
        chosen = scale;
      }
    }
    return chosen;
  }

  /** A side of {@code size} pixels at {@code scale}, rounded up as the library does. */
  static int scaled(int size, int[] scale) {
    return (size * scale[0] + scale[1] - 1) / scale[1];
  }

  /**
   * Decodes a plain (YCbCr or gray, no colour profile) JPEG of {@code scans} scans at the smallest scale that keeps
   * it at least {@code minWidth} × {@code minHeight} (before EXIF orientation; 0 for full size), once its header has
   * passed {@code limits}. Returns empty when the library refuses the file or warns about it (damaged or truncated
   * data), so that the caller's own reader decides, in its own words, what is wrong with it.
   */
  Optional<RgbImage> decode(byte[] jpeg, int scans, DecodeLimits limits, int minWidth, int minHeight)
      throws ImageDecodeException {
    Object decompressor = decompressors.get();
    int fullWidth;
    int fullHeight;
    try {
      setSource.invokeExact(decompressor, jpeg, jpeg.length);
      fullWidth = (int) width.invokeExact(decompressor);
      fullHeight = (int) height.invokeExact(decompressor);
    } catch (Throwable e) {
      return refused(e);
    }
    limits.check(fullWidth, fullHeight, scans);
    try {
      int[] scale = scaleFor(fullWidth, fullHeight, minWidth, minHeight);
      int w = scaled(fullWidth, scale);
      int h = scaled(fullHeight, scale);
      byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
      decompress.invokeExact(decompressor, rgb, 0, 0, w, w * 3, h, PF_RGB, 0);
      return Optional.of(new RgbImage(w, h, rgb));
    } catch (Throwable e) {
      return refused(e);
    }
  }

  private static Optional<RgbImage> refused(Throwable e) {
    if (e instanceof Error && !(e instanceof OutOfMemoryError)) {
      throw (Error) e;
    }
    return Optional.empty();
  }

  private record Loaded(TurboJpeg turbo, String why) {}

  private static Loaded load() {
    String configured = System.getProperty(MODE_PROPERTY, System.getenv("FRUITS_TURBOJPEG"));
    String mode = configured == null || configured.isBlank() ? "auto" : configured.trim().toLowerCase(Locale.ROOT);
    if (mode.equals("off")) {
      return new Loaded(null, MODE_PROPERTY + "=off");
    }
    Loaded loaded;
    try {
      loaded = new Loaded(bind(findBinding()), null);
    } catch (Throwable e) {
      loaded = new Loaded(null, "libjpeg-turbo's Java binding did not load: " + e);
    }
    if (loaded.turbo() == null) {
      if (mode.equals("required")) {
        throw new IllegalStateException(MODE_PROPERTY + "=required, but " + loaded.why()
            + "; on Debian or Ubuntu: apt-get install libturbojpeg-java libturbojpeg0-dev");
      }
      LOG.info("JPEG decoding without libjpeg-turbo: {}", loaded.why());
    }
    return loaded;
  }

  private static Class<?> findBinding() throws IOException, ClassNotFoundException {
    ClassLoader own = TurboJpeg.class.getClassLoader();
    try {
      return Class.forName(PACKAGE + "TJDecompressor", true, own);
    } catch (ClassNotFoundException notOnClassPath) {
      String configured = System.getProperty(JAR_PROPERTY, System.getenv("FRUITS_TURBOJPEG_JAR"));
      Path jar = Path.of(configured != null && !configured.isBlank() ? configured : DEBIAN_JAR);
      if (!Files.isRegularFile(jar)) {
        throw new ClassNotFoundException("not on the class path, and no " + jar);
      }
      // kept open for the JVM's lifetime: the native library belongs to this loader
      @SuppressWarnings("resource")
      URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, own);
      return Class.forName(PACKAGE + "TJDecompressor", true, loader);
    }
  }

  private static TurboJpeg bind(Class<?> decompressor) throws Throwable {
    ClassLoader loader = decompressor.getClassLoader();
    Class<?> tj = Class.forName(PACKAGE + "TJ", true, loader);
    Class<?> factor = Class.forName(PACKAGE + "TJScalingFactor", true, loader);
    Object factors = tj.getMethod("getScalingFactors").invoke(null);
    List<int[]> scales = new ArrayList<>();
    for (int i = 0; i < Array.getLength(factors); i++) {
      Object f = Array.get(factors, i);
      int num = (int) factor.getMethod("getNum").invoke(f);
      int denom = (int) factor.getMethod("getDenom").invoke(f);
      // between 1/2 and 1 a scale saves little decoding time and filters less cleanly than the resampler
      if (2 * num <= denom) {
        scales.add(new int[] {num, denom});
      }
    }
    scales.sort((a, b) -> Double.compare((double) b[0] / b[1], (double) a[0] / a[1]));
    Package pkg = decompressor.getPackage();
    String version = pkg != null && pkg.getImplementationVersion() != null ? " " + pkg.getImplementationVersion() : "";
    TurboJpeg turbo = new TurboJpeg(decompressor, scales.toArray(new int[0][]), version);
    turbo.decompressors.get(); // loads the native library now, so that a missing one is reported here
    return turbo;
  }
}
