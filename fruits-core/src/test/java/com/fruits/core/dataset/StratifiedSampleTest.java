package com.fruits.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class StratifiedSampleTest {
  /** 60 apples, 30 kiwis, 10 lemons: the apple-heavy balance of the real data. */
  private static final List<String> PATHS = new ArrayList<>();

  static {
    for (int i = 0; i < 60; i++) {
      PATHS.add("Training/apple/" + i + ".jpg");
    }
    for (int i = 0; i < 30; i++) {
      PATHS.add("Training/kiwi/" + i + ".jpg");
    }
    for (int i = 0; i < 10; i++) {
      PATHS.add("Test/lemon/" + i + ".jpg");
    }
  }

  private static String label(String path) {
    return ImageLocation.parse(path).label();
  }

  private static Map<String, Long> counts(List<String> sample) {
    return sample.stream().collect(Collectors.groupingBy(StratifiedSampleTest::label, Collectors.counting()));
  }

  @Test
  void perClassCapsEveryLabel() {
    List<String> sample = StratifiedSample.perClass(PATHS, StratifiedSampleTest::label, Function.identity(), 12, 1);
    assertThat(counts(sample)).containsOnly(Map.entry("apple", 12L), Map.entry("kiwi", 12L), Map.entry("lemon", 10L));
  }

  @Test
  void totalKeepsEachLabelsShareAndAddsUpExactly() {
    List<String> sample = StratifiedSample.total(PATHS, StratifiedSampleTest::label, Function.identity(), 21, 1);
    assertThat(sample).hasSize(21).doesNotHaveDuplicates();
    Map<String, Long> counts = counts(sample);
    assertThat(counts.get("apple")).isBetween(12L, 13L);
    assertThat(counts.get("kiwi")).isBetween(6L, 7L);
    assertThat(counts.get("lemon")).isBetween(2L, 3L);
  }

  @Test
  void sameSeedSameSampleOtherSeedOtherSample() {
    Function<String, String> key = Function.identity();
    List<String> a = StratifiedSample.total(PATHS, StratifiedSampleTest::label, key, 20, 7);
    List<String> shuffled = new ArrayList<>(PATHS);
    java.util.Collections.reverse(shuffled);
    List<String> b = StratifiedSample.total(shuffled, StratifiedSampleTest::label, key, 20, 7);
    List<String> c = StratifiedSample.total(PATHS, StratifiedSampleTest::label, key, 20, 8);
    assertThat(b).containsExactlyInAnyOrderElementsOf(a);
    assertThat(c).isNotEqualTo(a);
    assertThat(StratifiedSample.hash("Training/apple/1.jpg", 7)).isEqualTo(StratifiedSample.hash("Training/apple/1.jpg", 7));
  }

  @Test
  void askingForMoreThanThereIsKeepsEverything() {
    assertThat(StratifiedSample.total(PATHS, StratifiedSampleTest::label, Function.identity(), 500, 1)).hasSize(100);
  }
}
