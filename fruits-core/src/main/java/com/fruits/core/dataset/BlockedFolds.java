package com.fruits.core.dataset;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Cross-validation folds made of contiguous blocks of each label's files in natural name order ("2.jpg" before
 * "10.jpg"). Photos taken one after another (frames of a fruit turning on a plate, a burst from a phone) get
 * near-identical names and look near-identical; random folds would put such twins on both sides of a split and
 * score every model at 100 %. Blocks keep most twins on the same side.
 */
public final class BlockedFolds {
  private BlockedFolds() {}

  /** Fold number (0 .. folds-1) of every item's key. */
  public static <T> Map<String, Integer> assign(List<T> items, Function<T, String> label, Function<T, String> key,
      int folds) {
    Map<String, List<String>> byLabel = new LinkedHashMap<>();
    for (T item : items) {
      byLabel.computeIfAbsent(label.apply(item), l -> new ArrayList<>()).add(key.apply(item));
    }
    Map<String, Integer> fold = new HashMap<>();
    for (List<String> keys : byLabel.values()) {
      keys.sort(NATURAL);
      for (int i = 0; i < keys.size(); i++) {
        fold.put(keys.get(i), (int) ((long) i * folds / keys.size()));
      }
    }
    return fold;
  }

  /** Natural order: digit runs compare as numbers. */
  public static final Comparator<String> NATURAL = (a, b) -> {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        String na = a.substring(si, i).replaceFirst("^0+(?=.)", "");
        String nb = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
        int cmp = na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.compareTo(nb);
        if (cmp != 0) {
          return cmp;
        }
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  };
}
