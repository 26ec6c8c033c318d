package com.fruits.core.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenvaluesTest {
  @Test
  void knownSmallMatrix() {
    // [[2,1],[1,2]] has eigenvalues 3 and 1
    assertThat(SymmetricEigenvalues.of(new double[] {2, 1, 1, 2}, 2)).containsExactly(new double[] {3, 1}, within(1e-12));
  }

  @Test
  void matrixBuiltFromKnownSpectrum() {
    int n = 60;
    Random random = new Random(3);
    double[][] q = orthonormal(n, random);
    double[] spectrum = new double[n];
    for (int i = 0; i < n; i++) {
      spectrum[i] = i < 20 ? 100.0 / (i + 1) : 0; // rank 20, like a covariance of 21 samples
    }
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int k = 0; k < n; k++) {
          sum += q[i][k] * spectrum[k] * q[j][k];
        }
        a[i * n + j] = sum;
      }
    }
    double[] eigenvalues = SymmetricEigenvalues.of(a, n);
    for (int i = 0; i < n; i++) {
      assertThat(eigenvalues[i]).as("eigenvalue %d", i).isCloseTo(spectrum[i], within(1e-9));
    }
  }

  private static double[][] orthonormal(int n, Random random) {
    double[][] q = new double[n][n];
    for (int c = 0; c < n; c++) {
      double[] v = new double[n];
      for (int i = 0; i < n; i++) {
        v[i] = random.nextGaussian();
      }
      for (int p = 0; p < c; p++) {
        double dot = 0;
        for (int i = 0; i < n; i++) {
          dot += v[i] * q[i][p];
        }
        for (int i = 0; i < n; i++) {
          v[i] -= dot * q[i][p];
        }
      }
      double norm = 0;
      for (double x : v) {
        norm += x * x;
      }
      norm = Math.sqrt(norm);
      for (int i = 0; i < n; i++) {
        q[i][c] = v[i] / norm;
      }
    }
    return q;
  }
}
