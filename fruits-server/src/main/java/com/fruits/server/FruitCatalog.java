package com.fruits.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fruits.core.FruitsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fruit cards the app shows: {@code catalog/fruits.yaml} in the repository (shipped in the server jar), or a file
 * given with {@code --catalog}. Every card is checked when the catalog is read, so a typo is a startup error, not a
 * blank field on a grower's phone.
 */
public final class FruitCatalog {
  /** The bundled catalog's resource name. */
  static final String RESOURCE = "fruits.yaml";

  /** Per 100 g of the raw, edible part; {@code sugarsG} may be null where the reference has no figure. */
  public record Nutrition(Double energyKcal, Double carbohydratesG, Double sugarsG, Double fiberG, Double proteinG,
      Double fatG, Double vitaminCMg) {}

  /** What the app says about one class. */
  public record FruitCard(String label, String commonName, String variety, String description, String season,
      Nutrition nutritionPer100g, String handling) {}

  private record CatalogFile(Integer version, String updated, List<FruitCard> fruits) {}

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  private final int version;
  private final String source;
  private final Map<String, FruitCard> cards;

  private FruitCatalog(int version, String source, Map<String, FruitCard> cards) {
    this.version = version;
    this.source = source;
    this.cards = cards;
  }

  /** The catalog shipped in the jar (the repository's {@code catalog/fruits.yaml}). */
  public static FruitCatalog bundled() {
    try (InputStream in = FruitCatalog.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new FruitsException("the server jar has no " + RESOURCE + " (build problem)");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "catalog/" + RESOURCE);
    } catch (IOException e) {
      throw new FruitsException("cannot read the bundled catalog: " + e.getMessage());
    }
  }

  public static FruitCatalog load(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new FruitsException("cannot read catalog " + file + ": " + e.getMessage());
    }
  }

  /** Parses and checks a catalog: every field filled in (but sugars), one card per label. */
  static FruitCatalog parse(String yaml, String source) {
    CatalogFile file;
    try {
      file = YAML.readValue(yaml, CatalogFile.class);
    } catch (JsonProcessingException e) {
      throw new FruitsException("catalog " + source + " is not valid: " + e.getOriginalMessage()
          + (e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : ""));
    }
    if (file == null || file.version() == null || file.fruits() == null || file.fruits().isEmpty()) {
      throw new FruitsException("catalog " + source + " needs a `version` and a non-empty `fruits` list");
    }
    Map<String, FruitCard> cards = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (FruitCard card : file.fruits()) {
      String name = card.label() == null ? "(a card without label)" : card.label();
      problems.addAll(blankFields(card).stream().map(field -> name + ": " + field + " is empty").toList());
      if (card.label() != null && cards.put(card.label(), card) != null) {
        problems.add(name + ": two cards");
      }
    }
    if (!problems.isEmpty()) {
      throw new FruitsException("catalog " + source + " has problems: " + String.join("; ", problems));
    }
    return new FruitCatalog(file.version(), source, Map.copyOf(cards));
  }

  private static List<String> blankFields(FruitCard card) {
    List<String> blank = new ArrayList<>();
    Map<String, String> text = new LinkedHashMap<>();
    text.put("label", card.label());
    text.put("commonName", card.commonName());
    text.put("variety", card.variety());
    text.put("description", card.description());
    text.put("season", card.season());
    text.put("handling", card.handling());
    text.forEach((field, value) -> {
      if (value == null || value.isBlank()) {
        blank.add(field);
      }
    });
    Nutrition n = card.nutritionPer100g();
    if (n == null) {
      blank.add("nutritionPer100g");
    } else {
      Map<String, Double> values = new LinkedHashMap<>();
      values.put("energyKcal", n.energyKcal());
      values.put("carbohydratesG", n.carbohydratesG());
      values.put("fiberG", n.fiberG());
      values.put("proteinG", n.proteinG());
      values.put("fatG", n.fatG());
      values.put("vitaminCMg", n.vitaminCMg());
      values.forEach((field, value) -> {
        if (value == null || value < 0) {
          blank.add("nutritionPer100g." + field);
        }
      });
    }
    return blank;
  }

  public int version() {
    return version;
  }

  /** Where the catalog was read from. */
  public String source() {
    return source;
  }

  public Optional<FruitCard> card(String label) {
    return Optional.ofNullable(cards.get(label));
  }

  /** The labels in {@code labels} that have no card, in their order. */
  public List<String> missing(Collection<String> labels) {
    return labels.stream().filter(label -> !cards.containsKey(label)).toList();
  }
}
