package com.fruits.core.synthetic;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which transforms a synthetic scene may use: the layouts (one fruit, a few, a pile) and the photometric changes.
 * Immutable; {@link #parse} reads the comma-separated form the command line and the provenance use.
 */
public record SceneRecipe(Set<Transform> transforms, int size) implements java.io.Serializable {
  /** One group of changes a scene may get. */
  public enum Transform {
    /** Several fruits of the species at once: a few side by side, or a pile filling the frame. */
    PILE,
    /** Brightness, contrast, saturation and white balance. */
    LIGHTING,
    /** Gaussian blur (focus, motion). */
    BLUR,
    /** Sensor noise. */
    NOISE,
    /** Re-encoding at a random JPEG quality. */
    JPEG;

    String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Every transform, 256-pixel scenes (the model crops 224 from them). */
  public static final SceneRecipe DEFAULT = new SceneRecipe(Set.of(Transform.values()), 256);

  public SceneRecipe {
    transforms = Set.copyOf(transforms);
    if (size < 32 || size > 2048) {
      throw new IllegalArgumentException("scene size must be 32..2048 pixels, not " + size);
    }
  }

  public boolean uses(Transform t) {
    return transforms.contains(t);
  }

  /** {@code "pile,lighting,blur,noise,jpeg"}, {@code "all"} or {@code "none"}. */
  public static SceneRecipe parse(String transforms, int size) {
    String spec = transforms.trim().toLowerCase(Locale.ROOT);
    if (spec.equals("all")) {
      return new SceneRecipe(Set.of(Transform.values()), size);
    }
    Set<Transform> set = new TreeSet<>();
    if (!spec.equals("none") && !spec.isEmpty()) {
      for (String part : spec.split(",")) {
        String name = part.trim();
        Transform t = List.of(Transform.values()).stream().filter(v -> v.id().equals(name)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("unknown scene transform '" + name
                + "' (known: pile, lighting, blur, noise, jpeg, or all / none)"));
        set.add(t);
      }
    }
    return new SceneRecipe(set, size);
  }

  /** The comma-separated form {@link #parse} reads. */
  public String describe() {
    return transforms.isEmpty() ? "none"
        : String.join(",", transforms.stream().sorted().map(Transform::id).toList());
  }
}
