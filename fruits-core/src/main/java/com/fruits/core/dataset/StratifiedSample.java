package com.fruits.core.dataset;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reproducible samples stratified by label. Within each label, items are ranked by a seeded 64-bit hash of their
 * key (the path), so the same seed always picks the same images, and adding images to one class does not reshuffle
 * the others. Works on the listing the driver already holds (paths and sizes, no content).
 */
public final class StratifiedSample {
  private StratifiedSample() {}

  /** At most {@code perClass} items of each label. */
  public static <T> List<T> perClass(List<T> items, Function<T, String> label, Function<T, String> key, int perClass,
      long seed) {
    List<T> kept = new ArrayList<>();
    for (List<T> group : ranked(items, label, key, seed).values()) {
      kept.addAll(group.subList(0, Math.min(perClass, group.size())));
    }
    return kept;
  }

  /**
   * {@code total} items (all, if there are fewer), each label keeping its share of the input; shares are rounded
   * by largest remainder (ties by label) so they add up exactly.
   */
  public static <T> List<T> total(List<T> items, Function<T, String> label, Function<T, String> key, int total,
      long seed) {
    if (total >= items.size()) {
      return items;
    }
    Map<String, List<T>> groups = ranked(items, label, key, seed);
    record Share(String label, int quota, double remainder) {}
    List<Share> shares = new ArrayList<>();
    int assigned = 0;
    for (Map.Entry<String, List<T>> group : groups.entrySet()) {
      double exact = (double) total * group.getValue().size() / items.size();
      int quota = (int) Math.floor(exact);
      shares.add(new Share(group.getKey(), quota, exact - quota));
      assigned += quota;
    }
    shares.sort(Comparator.comparingDouble(Share::remainder).reversed()
        .thenComparing(Share::label, Comparator.nullsFirst(Comparator.naturalOrder())));
    List<T> kept = new ArrayList<>(total);
    for (int i = 0; i < shares.size(); i++) {
      Share share = shares.get(i);
      int quota = share.quota() + (i < total - assigned ? 1 : 0);
      kept.addAll(groups.get(share.label()).subList(0, quota));
    }
    return kept;
  }

  private static <T> Map<String, List<T>> ranked(List<T> items, Function<T, String> label, Function<T, String> key,
      long seed) {
    Map<String, List<T>> groups = new LinkedHashMap<>();
    for (T item : items) {
      groups.computeIfAbsent(label.apply(item), l -> new ArrayList<>()).add(item);
    }
    Comparator<T> byHash = Comparator.<T>comparingLong(item -> hash(key.apply(item), seed))
        .thenComparing(key, Comparator.nullsFirst(Comparator.naturalOrder()));
    groups.values().forEach(group -> group.sort(byHash));
    return groups;
  }

  /** A seeded 64-bit hash (FNV-1a over UTF-8, then a SplitMix64 finaliser); stable across JVMs and platforms. */
  static long hash(String key, long seed) {
    long h = 0xcbf29ce484222325L ^ seed;
    for (byte b : Objects.requireNonNullElse(key, "").getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xFF;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }
}
