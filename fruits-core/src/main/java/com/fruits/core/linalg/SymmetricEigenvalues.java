package com.fruits.core.linalg;

import java.util.Arrays;

/**
 * Eigenvalues of a real symmetric matrix: Householder reduction to tridiagonal form, then the implicit QL algorithm
 * (the classic tred2/tql2 pair, eigenvalues only). O(n³) once, robust for the rank-deficient covariance matrices of
 * small samples, where a general SVD routine can fail.
 */
public final class SymmetricEigenvalues {
  private SymmetricEigenvalues() {}

  /** The eigenvalues of the symmetric {@code n × n} matrix {@code a} (row-major), in descending order. */
  public static double[] of(double[] a, int n) {
    if (a.length != n * n) {
      throw new IllegalArgumentException("expected " + n * n + " values, got " + a.length);
    }
    double[][] v = new double[n][];
    for (int i = 0; i < n; i++) {
      v[i] = Arrays.copyOfRange(a, i * n, (i + 1) * n);
    }
    double[] d = new double[n];
    double[] e = new double[n];
    tridiagonalize(v, d, e, n);
    ql(d, e, n);
    double[] sorted = d.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < n / 2; i++) {
      double t = sorted[i];
      sorted[i] = sorted[n - 1 - i];
      sorted[n - 1 - i] = t;
    }
    return sorted;
  }

  /** Householder reduction of the lower triangle of {@code v} to tridiagonal form: diagonal d, off-diagonal e. */
  private static void tridiagonalize(double[][] v, double[] d, double[] e, int n) {
    for (int j = 0; j < n; j++) {
      d[j] = v[n - 1][j];
    }
    for (int i = n - 1; i > 0; i--) {
      double scale = 0;
      double h = 0;
      for (int k = 0; k < i; k++) {
        scale += Math.abs(d[k]);
      }
      if (scale == 0) {
        e[i] = d[i - 1];
        for (int j = 0; j < i; j++) {
          d[j] = v[i - 1][j];
          v[i][j] = 0;
          v[j][i] = 0;
        }
      } else {
        for (int k = 0; k < i; k++) {
          d[k] /= scale;
          h += d[k] * d[k];
        }
        double f = d[i - 1];
        double g = Math.sqrt(h);
        if (f > 0) {
          g = -g;
        }
        e[i] = scale * g;
        h -= f * g;
        d[i - 1] = f - g;
        for (int j = 0; j < i; j++) {
          e[j] = 0;
        }
        for (int j = 0; j < i; j++) {
          f = d[j];
          v[j][i] = f;
          g = e[j] + v[j][j] * f;
          for (int k = j + 1; k <= i - 1; k++) {
            g += v[k][j] * d[k];
            e[k] += v[k][j] * f;
          }
          e[j] = g;
        }
        f = 0;
        for (int j = 0; j < i; j++) {
          e[j] /= h;
          f += e[j] * d[j];
        }
        double hh = f / (h + h);
        for (int j = 0; j < i; j++) {
          e[j] -= hh * d[j];
        }
        for (int j = 0; j < i; j++) {
          f = d[j];
          g = e[j];
          for (int k = j; k <= i - 1; k++) {
            v[k][j] -= f * e[k] + g * d[k];
          }
          d[j] = v[i - 1][j];
          v[i][j] = 0;
        }
      }
      d[i] = h;
    }
    for (int j = 0; j < n; j++) {
      d[j] = v[j][j];
    }
    e[0] = 0;
  }

  /** Implicit QL iterations on the tridiagonal matrix (d, e); d receives the eigenvalues. */
  private static void ql(double[] d, double[] e, int n) {
    for (int i = 1; i < n; i++) {
      e[i - 1] = e[i];
    }
    e[n - 1] = 0;
    double f = 0;
    double tst1 = 0;
    double eps = Math.ulp(1.0);
    for (int l = 0; l < n; l++) {
      tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
      int m = l;
      while (m < n && Math.abs(e[m]) > eps * tst1) {
        m++;
      }
      if (m > l) {
        int iterations = 0;
        do {
          if (++iterations > 60) {
            throw new ArithmeticException("eigenvalues did not converge");
          }
          double g = d[l];
          double p = (d[l + 1] - g) / (2 * e[l]);
          double r = Math.hypot(p, 1);
          if (p < 0) {
            r = -r;
          }
          d[l] = e[l] / (p + r);
          d[l + 1] = e[l] * (p + r);
          double dl1 = d[l + 1];
          double h = g - d[l];
          for (int i = l + 2; i < n; i++) {
            d[i] -= h;
          }
          f += h;
          p = d[m];
          double c = 1;
          double c2 = c;
          double c3 = c;
          double el1 = e[l + 1];
          double s = 0;
          double s2 = 0;
          for (int i = m - 1; i >= l; i--) {
            c3 = c2;
            c2 = c;
            s2 = s;
            g = c * e[i];
            h = c * p;
            r = Math.hypot(p, e[i]);
            e[i + 1] = s * r;
            s = e[i] / r;
            c = p / r;
            p = c * d[i] - s * g;
            d[i + 1] = h + s * (c * g + s * d[i]);
          }
          p = -s * s2 * c3 * el1 * e[l] / dl1;
          e[l] = s * p;
          d[l] = c * p;
        } while (Math.abs(e[l]) > eps * tst1);
      }
      d[l] += f;
      e[l] = 0;
    }
  }
}
