package com.fruits.core.serving;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Refuses to name a fruit where the backbone's ImageNet head sees none: a species is <em>doubted</em> for a photo
 * when the head's probability mass on not-a-fruit classes ({@link ImageNetPrior#notAFruitMass}) exceeds
 * {@code limits[species]}, the {@code quantile} of that mass over the species' training photos (real and studio ones;
 * the synthetic scenes sit on photos of vegetables and things, which the head rightly names). A photo whose most
 * probable species is doubted gets "I don't recognise this fruit" with its guesses, whatever the classifier's
 * confidence.
 *
 * <p>Why: most confident mistakes on photos from a new source are fruits the model was never shown (melons taken for
 * lemons), and the head, which knows lemons, does not see a lemon in them; for a species the head has no class for
 * (kiwi), its training photos already carry a high not-a-fruit mass, so the limit is high and the veto stays out of
 * the way. Fitted on training photos alone, so no measured set chooses it. Species without a limit (zero-shot
 * species, answered from the head itself) are never doubted. Immutable.
 */
public record HeadVeto(double quantile, Map<String, Double> limits) {
  /**
   * The default quantile: the most doubt the head showed for any of the species' training photos. On the README
   * pipeline's table (docs/real-photos.md) it refused 19 wrong answers of the model fitted without the grocery photos
   * and no right one, and 0.4 % of the studio Test answers; 0.999 refused one more wrong answer, and 1 % of them.
   */
  public static final double DEFAULT_QUANTILE = 1;

  public HeadVeto {
    if (!(quantile > 0 && quantile <= 1)) {
      throw new IllegalArgumentException("the head veto's quantile must be in (0, 1], got " + quantile);
    }
    for (Map.Entry<String, Double> limit : limits.entrySet()) {
      if (!(limit.getValue() >= 0 && limit.getValue() <= 1)) {
        throw new IllegalArgumentException("the head veto's limit for " + limit.getKey() + " must be in [0, 1], got "
            + limit.getValue());
      }
    }
    limits = Collections.unmodifiableMap(new TreeMap<>(limits));
  }

  /**
   * The veto whose limit for each species is the {@code quantile} of its training photos' not-a-fruit masses (the
   * smallest mass at or above that share of them).
   */
  public static HeadVeto fit(Map<String, double[]> massesBySpecies, double quantile) {
    Map<String, Double> limits = new TreeMap<>();
    massesBySpecies.forEach((species, masses) -> {
      if (masses.length > 0) {
        double[] sorted = masses.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(quantile * sorted.length) - 1;
        limits.put(species, sorted[Math.max(0, Math.min(sorted.length - 1, rank))]);
      }
    });
    return new HeadVeto(quantile, limits);
  }

  /** The species doubted for a photo whose head put {@code notAFruitMass} on not-a-fruit classes. */
  public Set<String> doubted(double notAFruitMass) {
    Set<String> doubted = new TreeSet<>();
    limits.forEach((species, limit) -> {
      if (notAFruitMass > limit) {
        doubted.add(species);
      }
    });
    return doubted;
  }
}
