package com.fruits.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collection;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;

/** The JMH benchmarks are compiled into the jar's list and run; how fast they run is the benchmark's business. */
class MicrobenchmarksTest {
  @BeforeAll
  static void repository() {
    System.setProperty("fruits.home", System.getProperty("fruits.repo.dir", "."));
  }

  @Test
  void runsOneBenchmarkInThisJvm() throws Exception {
    Collection<RunResult> results = Microbenchmarks.run("-foe", "true", "-f", "0", "-wi", "0", "-i", "1", "-r", "200ms",
        "-p", "photo=studio", "PreprocessBenchmark");
    assertThat(results).hasSize(1);
    RunResult result = results.iterator().next();
    assertThat(result.getParams().getBenchmark()).endsWith("PreprocessBenchmark.decodeAndPreprocess");
    assertThat(result.getPrimaryResult().getScore()).isPositive();
  }

  @Test
  void runsInferenceOnABatch() throws Exception {
    Collection<RunResult> results = Microbenchmarks.run("-foe", "true", "-f", "0", "-wi", "0", "-i", "1", "-r", "200ms",
        "-p", "batch=8", "InferenceBenchmark");
    assertThat(results).singleElement().satisfies(r -> assertThat(r.getPrimaryResult().getScore()).isPositive());
  }

  @Test
  void aBadOptionIsAClearError() {
    assertThatThrownBy(() -> Microbenchmarks.run("-f", "many")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("JMH: Cannot parse argument 'many' of option f");
  }
}
