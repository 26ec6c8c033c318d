package com.fruits.core.taxonomy;

/**
 * What a photo shows, as the taxonomy names it: a fruit species and, where known, its variety; or no fruit at all
 * ({@link #NOT_A_FRUIT}: vegetables, cartons, animals, anything the app must refuse).
 *
 * <p>The {@link #label} is the class a classifier learns: {@code species} alone, or {@code species/variety}. The
 * species is recovered from a label by {@link #ofLabel}, so a model over labels answers species and varieties.
 */
public record Taxon(String species, String variety) {
  /** The species name of everything that is not a fruit. */
  public static final String NOT_A_FRUIT_SPECIES = "not-a-fruit";
  public static final Taxon NOT_A_FRUIT = new Taxon(NOT_A_FRUIT_SPECIES, null);
  private static final String SEPARATOR = "/";

  public Taxon {
    species = requireName(species, "species");
    variety = variety == null || variety.isBlank() ? null : requireName(variety, "variety");
    if (species.equals(NOT_A_FRUIT_SPECIES) && variety != null) {
      throw new IllegalArgumentException("'" + NOT_A_FRUIT_SPECIES + "' has no varieties, got '" + variety + "'");
    }
  }

  public static Taxon species(String species) {
    return new Taxon(species, null);
  }

  public boolean isFruit() {
    return !species.equals(NOT_A_FRUIT_SPECIES);
  }

  /** {@code species} or {@code species/variety}. */
  public String label() {
    return variety == null ? species : species + SEPARATOR + variety;
  }

  /** The taxon a {@link #label} names. */
  public static Taxon ofLabel(String label) {
    int at = label.indexOf(SEPARATOR);
    return at < 0 ? new Taxon(label, null) : new Taxon(label.substring(0, at), label.substring(at + 1));
  }

  private static String requireName(String name, String what) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    String trimmed = name.trim();
    if (what.equals("species") && trimmed.contains(SEPARATOR)) {
      throw new IllegalArgumentException("species '" + trimmed + "' must not contain '" + SEPARATOR + "'");
    }
    return trimmed;
  }
}
