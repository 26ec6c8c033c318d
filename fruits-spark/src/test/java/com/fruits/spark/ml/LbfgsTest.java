package com.fruits.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LbfgsTest {
  @Test
  void itFindsRosenbrocksMinimumThroughItsCurvedValley() {
    Lbfgs.Objective rosenbrock = (x, g) -> {
      double a = 1 - x[0];
      double b = x[1] - x[0] * x[0];
      g[0] = -2 * a - 400 * x[0] * b;
      g[1] = 200 * b;
      return a * a + 100 * b * b;
    };
    Lbfgs.Result result = new Lbfgs(200, 1e-12).minimize(rosenbrock, new double[] {-1.2, 1});
    assertThat(result.x()[0]).isCloseTo(1, within(1e-4));
    assertThat(result.x()[1]).isCloseTo(1, within(1e-4));
    assertThat(result.iterations()).isLessThan(200);
    assertThat(result.evaluations()).isGreaterThanOrEqualTo(result.iterations());
  }

  @Test
  void itStopsAtTheIterationCap() {
    Lbfgs.Objective bowl = (x, g) -> {
      double sum = 0;
      for (int i = 0; i < x.length; i++) {
        g[i] = 2 * (i + 1) * x[i];
        sum += (i + 1) * x[i] * x[i];
      }
      return sum;
    };
    double[] start = {3, -2, 1, 5, -4};
    assertThat(new Lbfgs(2, 0).minimize(bowl, start).iterations()).isEqualTo(2);
    Lbfgs.Result solved = new Lbfgs(100, 1e-9).minimize(bowl, start);
    for (double v : solved.x()) {
      assertThat(v).isCloseTo(0, within(1e-4));
    }
    assertThat(start).containsExactly(3, -2, 1, 5, -4);
  }
}
