package com.fruits.core.image;

import com.fruits.core.dataset.ImageLocation;
import com.fruits.core.dataset.ImageSource;
import java.io.Serializable;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which photos the featurizer gives every {@link ImageViews view}: all photos outside the Training split (they are
 * scored as the app answers, from the views' mean), and a share of each source's Training photos (each view is then
 * a training sample). A share of 1 suits the few real photos, whose closer crops teach the model the most; a
 * fraction suits thousands of near-identical studio frames; 0 suits synthetic scenes, already random crops. The draw
 * is stable: the same photos get views in every run.
 *
 * @param shares the share of Training photos with views, per source name
 * @param defaultShare the share for sources {@code shares} does not name
 * @param outsideTraining whether photos outside the Training split get views (false only to time the plain path)
 */
public record ViewPolicy(Map<String, Double> shares, double defaultShare, boolean outsideTraining)
    implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String SALT = "views:";

  public ViewPolicy {
    shares = Map.copyOf(shares);
    shares.values().forEach(ViewPolicy::check);
    check(defaultShare);
  }

  /** Views for the photos outside the Training split only. */
  public static final ViewPolicy EVALUATION_ONLY = new ViewPolicy(Map.of(), 0, true);
  /** No views at all: one inference a photo, as the featurizer's benchmark times it. */
  public static final ViewPolicy NONE = new ViewPolicy(Map.of(), 0, false);

  /** {@code name=share,...}, e.g. {@code fruits-360=0.25,synthetic=0}; {@code default} names the default share. */
  public static ViewPolicy parse(String spec, double defaultShare) {
    Map<String, Double> shares = new LinkedHashMap<>();
    double fallback = defaultShare;
    for (String part : spec.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("view shares are written SOURCE=SHARE, not '" + part.strip() + "'");
      }
      double share;
      try {
        share = Double.parseDouble(part.substring(eq + 1).strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("view share '" + part.substring(eq + 1).strip() + "' is not a number");
      }
      String name = part.substring(0, eq).strip();
      if (name.equals("default")) {
        fallback = share;
      } else {
        shares.put(name, share);
      }
    }
    return new ViewPolicy(shares, fallback, true);
  }

  /** This policy, or an error when it gives a share to a source that is none of {@code sources} (a typo). */
  public ViewPolicy requireSources(Collection<String> sources) {
    shares.keySet().stream().filter(name -> !sources.contains(name)).sorted().findFirst().ifPresent(name -> {
      throw new IllegalArgumentException("a view share names '" + name + "', none of the sources " + sources);
    });
    return this;
  }

  public ViewPolicy with(String source, double share) {
    Map<String, Double> more = new LinkedHashMap<>(shares);
    more.put(source, share);
    return new ViewPolicy(more, defaultShare, outsideTraining);
  }

  /** Whether the photo at {@code path} of {@code source} in {@code split} gets every view. */
  public boolean wantsViews(String source, String split, String path) {
    if (!ImageLocation.TRAINING.equals(split)) {
      return outsideTraining;
    }
    double share = shares.getOrDefault(source, defaultShare);
    return share >= 1 || share > 0 && ImageSource.drawn(SALT + path, share);
  }

  private static void check(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("a view share must be between 0 and 1, not " + share);
    }
  }
}
