package com.fruits.core.dataset;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an image's path says about it, in the layout {@code .../[<split>/]<label>/<file>}: the label is the parent
 * folder's name, the split is the grandparent's when it is a Training/Test folder, and the rotation is the
 * Fruits-360 file-name prefix ({@code r_} in the 2017 release, {@code r0_}/{@code r1_}/{@code r2_} for the axes of
 * the original-size release). Nothing here depends on class names or image sizes.
 */
public record ImageLocation(String label, String file, String split, String rotation) {
  public static final String TRAINING = "Training";
  public static final String TEST = "Test";
  public static final String VALIDATION = "Validation";
  private static final Pattern ROTATION = Pattern.compile("^(r\\d*)_", Pattern.CASE_INSENSITIVE);
  private static final Pattern IMAGE_FILE = Pattern.compile(".*\\.(jpe?g|png)$", Pattern.CASE_INSENSITIVE);

  /** Parses a path or URI string ({@code file:/...}, {@code s3a://bucket/...}); separators are {@code /}. */
  public static ImageLocation parse(String path) {
    String[] parts = trimTrailingSlash(path).split("/");
    String file = parts[parts.length - 1];
    String label = parts.length >= 2 ? emptyToNull(parts[parts.length - 2]) : null;
    String split = parts.length >= 3 ? splitName(parts[parts.length - 3]) : null;
    Matcher rotation = ROTATION.matcher(file);
    return new ImageLocation(label, file, split, rotation.find() ? rotation.group(1).toLowerCase(Locale.ROOT) : null);
  }

  /** Whether a file name has an image extension we read (.jpg, .jpeg, .png, any case). */
  public static boolean isImageFile(String name) {
    return IMAGE_FILE.matcher(name).matches();
  }

  /** The split a folder name stands for ({@link #TRAINING}, {@link #TEST}, {@link #VALIDATION}), or null. */
  public static String splitName(String folder) {
    return switch (folder.toLowerCase(Locale.ROOT)) {
      case "training", "train" -> TRAINING;
      case "test", "testing" -> TEST;
      case "validation", "val" -> VALIDATION;
      default -> null;
    };
  }

  private static String trimTrailingSlash(String path) {
    return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() || s.endsWith(":") ? null : s;
  }
}
