package com.fruits.core.taxonomy;

import com.fruits.core.FruitsException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Maps each image source's folder names to a {@link Taxon}: the one place that knows that {@code Apple Red 1} in
 * Fruits-360 and {@code Fruit/Apple/Pink-Lady} in the grocery set are both apples. Read from a versioned CSV
 * ({@code catalog/taxonomy.csv}):
 *
 * <pre>
 * # comments and blank lines are skipped
 * source,folder,species,variety
 * fruits-360,Granny Smith,apple,Granny Smith
 * grocery-store,Fruit/Apple/Pink-Lady,apple,Pink Lady
 * grocery-store,Vegetables,not-a-fruit,
 * imagenet-sample-nonfruit,,not-a-fruit,
 * </pre>
 *
 * A photo's folder is its path inside the source without the split folder and the file name
 * ({@code train/Fruit/Apple/Pink-Lady/x.jpg} → {@code Fruit/Apple/Pink-Lady}). The rule with the longest folder that
 * equals it or contains it ({@code Vegetables} covers {@code Vegetables/Potato/...}; an empty folder covers the whole
 * source) decides. A source the taxonomy does not name is read as labelled by its folders: the folder path is a
 * {@linkplain Taxon#label label} ({@code Apple Red 1}; {@code apple/Granny Smith}, as synthetic scenes are filed).
 * Immutable and Spark-free.
 */
public final class Taxonomy {
  public static final String HEADER = "source,folder,species,variety";
  /** The taxonomy shipped in the jar, a copy of {@code catalog/taxonomy.csv}. */
  private static final String RESOURCE = "/fruits/taxonomy.csv";

  private final Map<String, Map<String, Taxon>> rules;
  private final String csv;

  private Taxonomy(Map<String, Map<String, Taxon>> rules, String csv) {
    this.rules = rules;
    this.csv = csv;
  }

  /** A taxonomy that names no source: every photo's species is its folder name. */
  public static Taxonomy empty() {
    return new Taxonomy(Map.of(), HEADER + "\n");
  }

  public static Taxonomy bundled() {
    try (InputStream in = Taxonomy.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new FruitsException("the shipped taxonomy " + RESOURCE + " is missing from the jar");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled taxonomy");
    } catch (IOException e) {
      throw new FruitsException("cannot read the shipped taxonomy: " + e.getMessage());
    }
  }

  /** The taxonomy in {@code file}, or the shipped one when {@code file} is null. */
  public static Taxonomy loadOrBundled(Path file) {
    return file == null ? bundled() : load(file);
  }

  public static Taxonomy load(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new FruitsException("cannot read taxonomy " + file + ": " + e.getMessage());
    }
  }

  /** Parses the CSV form; a malformed line fails with its number. */
  public static Taxonomy parse(String csv, String origin) {
    Map<String, Map<String, Taxon>> rules = new LinkedHashMap<>();
    for (CatalogCsv.Row row : CatalogCsv.rows(csv, origin, HEADER)) {
      String[] fields = row.fields();
      String source = fields[0].strip();
      String folder = normalize(fields[1]);
      if (source.isEmpty()) {
        throw row.error(origin, "the source is empty");
      }
      Taxon taxon;
      try {
        taxon = new Taxon(fields[2], fields[3]);
      } catch (IllegalArgumentException e) {
        throw row.error(origin, e.getMessage());
      }
      Taxon previous = rules.computeIfAbsent(source, s -> new LinkedHashMap<>()).put(folder, taxon);
      if (previous != null) {
        throw row.error(origin, "folder '" + folder + "' of source '" + source + "' is mapped twice");
      }
    }
    Map<String, Map<String, Taxon>> frozen = new LinkedHashMap<>();
    rules.forEach((source, map) -> frozen.put(source, Collections.unmodifiableMap(map)));
    return new Taxonomy(Collections.unmodifiableMap(frozen), csv);
  }

  /** The CSV text this taxonomy was read from (kept with the features and the model as provenance). */
  public String csv() {
    return csv;
  }

  /** The first 12 hex digits of the SHA-256 of {@link #csv}: which taxonomy a table or a model used. */
  public String version() {
    return com.fruits.core.Hashing.sha256Hex(csv.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
  }

  /**
   * The taxon of a photo in {@code folder} (see the class comment) of {@code source}; empty when the source is
   * named but no rule covers the folder. For a source the taxonomy does not name, the folder read as a label.
   */
  public Optional<Taxon> classify(String source, String folder) {
    String key = normalize(folder == null ? "" : folder);
    Map<String, Taxon> sourceRules = rules.get(source);
    if (sourceRules == null) {
      return key.isEmpty() ? Optional.empty() : Optional.of(Taxon.ofLabel(key));
    }
    for (String prefix = key; ; prefix = parent(prefix)) {
      Taxon taxon = sourceRules.get(prefix);
      if (taxon != null) {
        return Optional.of(taxon);
      }
      if (prefix.isEmpty()) {
        return Optional.empty();
      }
    }
  }

  /** Every species the rules name (fruit species only), sorted. */
  public List<String> fruitSpecies() {
    TreeSet<String> species = new TreeSet<>();
    rules.values().forEach(map -> map.values().stream().filter(Taxon::isFruit).forEach(t -> species.add(t.species())));
    return new ArrayList<>(species);
  }

  /** For each species, the varieties the rules name (sorted). */
  public Map<String, List<String>> varieties() {
    Map<String, TreeSet<String>> varieties = new TreeMap<>();
    rules.values().forEach(map -> map.values().stream().filter(Taxon::isFruit).forEach(t -> {
      TreeSet<String> set = varieties.computeIfAbsent(t.species(), s -> new TreeSet<>());
      if (t.variety() != null) {
        set.add(t.variety());
      }
    }));
    Map<String, List<String>> out = new TreeMap<>();
    varieties.forEach((s, v) -> out.put(s, List.copyOf(v)));
    return out;
  }

  private static String parent(String folder) {
    int at = folder.lastIndexOf('/');
    return at < 0 ? "" : folder.substring(0, at);
  }

  private static String normalize(String folder) {
    String f = folder.strip().replace('\\', '/');
    while (f.startsWith("/")) {
      f = f.substring(1);
    }
    while (f.endsWith("/")) {
      f = f.substring(0, f.length() - 1);
    }
    return f;
  }
}
