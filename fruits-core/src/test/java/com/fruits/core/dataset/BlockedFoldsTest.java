package com.fruits.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class BlockedFoldsTest {
  @Test
  void naturalOrderComparesNumbersAsNumbers() {
    List<String> names = new ArrayList<>(List.of("a/10_100.jpg", "a/2_100.jpg", "a/r_1_100.jpg", "a/1_100.jpg"));
    names.sort(BlockedFolds.NATURAL);
    assertThat(names).containsExactly("a/1_100.jpg", "a/2_100.jpg", "a/10_100.jpg", "a/r_1_100.jpg");
  }

  @Test
  void consecutiveFramesShareAFold() {
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      paths.add("Training/kiwi/" + i + "_100.jpg");
    }
    for (int i = 0; i < 9; i++) {
      paths.add("Training/lemon/" + i + "_100.jpg");
    }
    Map<String, Integer> folds = BlockedFolds.assign(paths, p -> ImageLocation.parse(p).label(), Function.identity(), 3);
    assertThat(folds.get("Training/kiwi/0_100.jpg")).isEqualTo(0);
    assertThat(folds.get("Training/kiwi/9_100.jpg")).isEqualTo(0);
    assertThat(folds.get("Training/kiwi/10_100.jpg")).isEqualTo(1);
    assertThat(folds.get("Training/kiwi/29_100.jpg")).isEqualTo(2);
    assertThat(folds.get("Training/lemon/2_100.jpg")).isEqualTo(0);
    assertThat(folds.get("Training/lemon/3_100.jpg")).isEqualTo(1);
    assertThat(folds.values()).containsOnly(0, 1, 2);
  }
}
