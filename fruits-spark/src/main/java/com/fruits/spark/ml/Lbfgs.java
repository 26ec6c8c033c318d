package com.fruits.spark.ml;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Limited-memory BFGS with a strong-Wolfe line search (Nocedal and Wright, algorithms 7.4, 3.5 and 3.6), set up as
 * Breeze's {@code LBFGS} that Spark ML's logistic regression runs: 10 corrections, a first step of 1/‖direction‖,
 * at most 10 line-search and 10 zoom evaluations, and Breeze's default convergence test (the loss no better than
 * {@code tolerance} × the first loss over the last 20 iterations, or the largest gradient component below
 * {@code tolerance} × the loss). Written here because Java code cannot implement Breeze's {@code DiffFunction} (its
 * {@code apply} returns a primitive where Scala's {@code Function1} returns an object) and the classpath has no Java
 * L-BFGS.
 */
final class Lbfgs {
  /** A differentiable function: returns f(x) and writes its gradient into {@code gradient}. */
  interface Objective {
    double evaluate(double[] x, double[] gradient);
  }

  /** The minimizer found, how many iterations it took and how many times it evaluated the function. */
  record Result(double[] x, double value, int iterations, int evaluations) {}

  private static final int HISTORY = 10;
  private static final int VALUE_MEMORY = 20;
  private static final int LINE_SEARCH_STEPS = 10;
  private static final int ZOOM_STEPS = 10;
  private static final double C1 = 1e-4;
  private static final double C2 = 0.9;

  private final int maxIter;
  private final double tolerance;

  Lbfgs(int maxIter, double tolerance) {
    this.maxIter = maxIter;
    this.tolerance = tolerance;
  }

  Result minimize(Objective objective, double[] start) {
    int[] evaluations = {0};
    Objective f = (point, gradient) -> {
      evaluations[0]++;
      return objective.evaluate(point, gradient);
    };
    int n = start.length;
    double[] x = start.clone();
    double[] g = new double[n];
    double value = f.evaluate(x, g);
    double initialValue = Math.abs(value);
    Deque<double[][]> corrections = new ArrayDeque<>();
    Deque<Double> values = new ArrayDeque<>();
    int iter = 0;
    while (iter < maxIter && !converged(value, initialValue, g, values)) {
      double[] dir = direction(g, corrections);
      if (dot(dir, g) >= 0) {
        // not a descent direction: forget the curvature seen so far
        corrections.clear();
        dir = scaled(g, -1);
      }
      double first = iter == 0 ? 1 / Math.sqrt(dot(dir, dir)) : 1;
      Step step = lineSearch(f, x, value, g, dir, first);
      if (!(step.value <= value)) {
        // the search found no lower point (or a NaN): stop where the function is lowest, as Breeze does
        break;
      }
      double[] s = scaled(dir, step.alpha);
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] += s[i];
        y[i] = step.gradient[i] - g[i];
      }
      if (dot(s, y) > 1e-10) {
        corrections.addLast(new double[][] {s, y});
        if (corrections.size() > HISTORY) {
          corrections.removeFirst();
        }
      }
      values.addLast(value);
      if (values.size() > VALUE_MEMORY) {
        values.removeFirst();
      }
      value = step.value;
      g = step.gradient;
      iter++;
    }
    return new Result(x, value, iter, evaluations[0]);
  }

  private boolean converged(double value, double initialValue, double[] g, Deque<Double> values) {
    if (values.size() >= 2) {
      double worst = values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      if (Math.abs(value - worst) <= tolerance * initialValue) {
        return true;
      }
    }
    double largest = Arrays.stream(g).map(Math::abs).max().orElse(0);
    return largest <= Math.max(tolerance * Math.abs(value), 1e-8);
  }

  /** −H·g by the two-loop recursion, H0 scaled by the latest correction's sᵀy / yᵀy. */
  private static double[] direction(double[] g, Deque<double[][]> corrections) {
    double[] q = g.clone();
    int m = corrections.size();
    double[] alpha = new double[m];
    double[] rho = new double[m];
    double[][][] pairs = corrections.toArray(new double[0][][]);
    for (int i = m - 1; i >= 0; i--) {
      rho[i] = 1 / dot(pairs[i][1], pairs[i][0]);
      alpha[i] = rho[i] * dot(pairs[i][0], q);
      axpy(-alpha[i], pairs[i][1], q);
    }
    if (m > 0) {
      double[] y = pairs[m - 1][1];
      double gamma = dot(pairs[m - 1][0], y) / dot(y, y);
      for (int i = 0; i < q.length; i++) {
        q[i] *= gamma;
      }
    }
    for (int i = 0; i < m; i++) {
      double beta = rho[i] * dot(pairs[i][1], q);
      axpy(alpha[i] - beta, pairs[i][0], q);
    }
    for (int i = 0; i < q.length; i++) {
      q[i] = -q[i];
    }
    return q;
  }

  private record Step(double alpha, double value, double slope, double[] gradient) {}

  /** A step along {@code dir} that meets the strong Wolfe conditions, or the best one found. */
  private static Step lineSearch(Objective f, double[] x, double value, double[] g, double[] dir, double first) {
    double slope0 = dot(g, dir);
    Step previous = new Step(0, value, slope0, g);
    double alpha = first;
    for (int i = 0; i < LINE_SEARCH_STEPS; i++) {
      Step current = at(f, x, dir, alpha);
      if (current.value > value + C1 * alpha * slope0 || (i > 0 && current.value >= previous.value)) {
        return zoom(f, x, dir, value, slope0, previous, current);
      }
      if (Math.abs(current.slope) <= -C2 * slope0) {
        return current;
      }
      if (current.slope >= 0) {
        return zoom(f, x, dir, value, slope0, current, previous);
      }
      previous = current;
      alpha *= 2;
    }
    return previous.alpha > 0 ? previous : at(f, x, dir, alpha);
  }

  private static Step zoom(Objective f, double[] x, double[] dir, double value, double slope0, Step lo, Step hi) {
    for (int i = 0; i < ZOOM_STEPS; i++) {
      double alpha = interpolate(lo, hi);
      Step current = at(f, x, dir, alpha);
      if (current.value > value + C1 * alpha * slope0 || current.value >= lo.value) {
        hi = current;
      } else {
        if (Math.abs(current.slope) <= -C2 * slope0) {
          return current;
        }
        if (current.slope * (hi.alpha - lo.alpha) >= 0) {
          hi = lo;
        }
        lo = current;
      }
    }
    return lo.alpha > 0 ? lo : at(f, x, dir, interpolate(lo, hi));
  }

  /** The minimizer of the cubic through both ends (values and slopes), kept inside the middle 80 % of the bracket. */
  private static double interpolate(Step a, Step b) {
    double d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.alpha - b.alpha);
    double root = d1 * d1 - a.slope * b.slope;
    double low = Math.min(a.alpha, b.alpha);
    double high = Math.max(a.alpha, b.alpha);
    double mid = (low + high) / 2;
    if (!(root >= 0)) {
      return mid;
    }
    double d2 = Math.signum(b.alpha - a.alpha) * Math.sqrt(root);
    double t = b.alpha - (b.alpha - a.alpha) * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2);
    double margin = 0.1 * (high - low);
    return Double.isFinite(t) ? Math.min(Math.max(t, low + margin), high - margin) : mid;
  }

  private static Step at(Objective f, double[] x, double[] dir, double alpha) {
    double[] point = x.clone();
    axpy(alpha, dir, point);
    double[] gradient = new double[x.length];
    double value = f.evaluate(point, gradient);
    return new Step(alpha, value, dot(gradient, dir), gradient);
  }

  private static double dot(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return sum;
  }

  private static void axpy(double a, double[] x, double[] y) {
    for (int i = 0; i < x.length; i++) {
      y[i] += a * x[i];
    }
  }

  private static double[] scaled(double[] v, double a) {
    double[] out = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = a * v[i];
    }
    return out;
  }
}
