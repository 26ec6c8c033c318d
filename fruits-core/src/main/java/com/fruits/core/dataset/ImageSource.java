package com.fruits.core.dataset;

import com.fruits.core.FruitsException;
import com.fruits.core.taxonomy.Taxon;
import com.fruits.core.taxonomy.Taxonomy;
import java.util.Locale;
import java.util.Optional;

/**
 * One place photos come from: a name (how the {@link Taxonomy} and the feature table refer to it) and a Hadoop URI
 * or local folder. Written on the command line as {@code name=uri}, or just {@code uri} (the name is then the
 * folder's own name: {@code ../shared/data/fruits-360} is source {@code fruits-360}).
 */
public record ImageSource(String name, String uri) {
  /** Share of a source's photos kept back for validation when the source has no split folders. */
  public static final double DEFAULT_HOLDOUT = 0.3;

  public ImageSource {
    if (name == null || name.isBlank() || name.contains("/") || name.contains("=")) {
      throw new FruitsException("an image source needs a name without '/' or '=', got '" + name + "'");
    }
    if (uri == null || uri.isBlank()) {
      throw new FruitsException("image source '" + name + "' has no location");
    }
  }

  public static ImageSource parse(String spec) {
    int eq = spec.indexOf('=');
    // a URI's scheme or query may hold '=' only after ':'; a name never holds ':'
    if (eq > 0 && !spec.substring(0, eq).contains(":") && !spec.substring(0, eq).contains("/")) {
      return new ImageSource(spec.substring(0, eq).strip(), spec.substring(eq + 1).strip());
    }
    return new ImageSource(defaultName(spec), spec.strip());
  }

  /** {@code name=uri}, as {@link #parse} reads it. */
  @Override
  public String toString() {
    return name + "=" + uri;
  }

  /** Sources separated by commas: {@code fruits-360=../data/fruits-360,s3a://bucket/grocery-store}. */
  public static java.util.List<ImageSource> parseList(String specs) {
    java.util.List<ImageSource> sources = new java.util.ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (String spec : specs.split(",")) {
      if (spec.isBlank()) {
        continue;
      }
      ImageSource source = parse(spec);
      if (!names.add(source.name())) {
        throw new FruitsException("two image sources are named '" + source.name() + "'; name them: NAME=URI");
      }
      sources.add(source);
    }
    if (sources.isEmpty()) {
      throw new FruitsException("no image source given");
    }
    return sources;
  }

  /** The last path element of {@code uri}, e.g. {@code fruits-360} for {@code s3a://bucket/data/fruits-360/}. */
  public static String defaultName(String uri) {
    String trimmed = uri.strip();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    String last = trimmed.substring(trimmed.lastIndexOf('/') + 1);
    int colon = last.lastIndexOf(':');
    last = colon >= 0 ? last.substring(colon + 1) : last;
    return last.isEmpty() ? "images" : last;
  }

  /**
   * What a photo at {@code relativePath} (inside this source, {@code /}-separated) is: its split, folder and taxon.
   * The split is the first folder when it names one (Training/Test/Validation, train/test/val), else the folder
   * above the photo's label folder when that names one (a source rooted at {@code .../Test}), else a stable draw
   * from the path: {@code holdout} of the photos become Validation, the rest Training.
   */
  public Placement place(String relativePath, Taxonomy taxonomy, double holdout) {
    String path = relativePath.startsWith("/") ? relativePath.substring(1) : relativePath;
    int lastSlash = path.lastIndexOf('/');
    String folder = lastSlash < 0 ? "" : path.substring(0, lastSlash);
    String split = null;
    int firstSlash = folder.indexOf('/');
    String first = firstSlash < 0 ? folder : folder.substring(0, firstSlash);
    String firstSplit = ImageLocation.splitName(first);
    if (firstSplit != null) {
      split = firstSplit;
      folder = firstSlash < 0 ? "" : folder.substring(firstSlash + 1);
    } else {
      split = ImageLocation.parse(uri + "/" + path).split();
    }
    if (split == null) {
      split = drawn(path, holdout) ? ImageLocation.VALIDATION : ImageLocation.TRAINING;
    }
    Optional<Taxon> taxon = taxonomy.classify(name, folder);
    return new Placement(split, folder, taxon.orElse(null));
  }

  /** A photo's split, its folder inside the source (without the split folder), and its taxon (null: unmapped). */
  public record Placement(String split, String folder, Taxon taxon) {}

  /** A stable draw of {@code share} of all keys (FNV-1a of the key), the same on every machine and run. */
  public static boolean drawn(String key, double share) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.toLowerCase(Locale.ROOT).getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return Math.floorMod(h, 10_000) < Math.round(share * 10_000);
  }
}
