package com.fruits.spark.ml;

import dev.ludovic.netlib.blas.BLAS;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.DenseMatrix;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.util.Identifiable$;

/**
 * Spark ML's multinomial logistic regression (L2, no elastic net, inputs already standardized) fitted on the driver,
 * for samples that fit in its memory: the same loss, L-BFGS set up as Spark ML sets up Breeze's ({@link Lbfgs}), the
 * same initial intercepts, and a Spark ML {@link LogisticRegressionModel} out. Spark ML's distributed fit runs a
 * Spark job per L-BFGS evaluation, blocks the rows in doubles, and checks and summarizes every vector through
 * interpreted expressions before it starts; here each evaluation is two single-precision matrix products a block of
 * rows (netlib, the native BLAS where it loads) on all the driver's cores.
 *
 * <p>Loss: {@code Σ w_i (−log softmax(W x_i + b)[y_i]) / Σ w_i + reg/2 · ‖W‖²} (intercepts unpenalized), Spark ML's
 * with {@code standardization=false}. The fitted intercepts are centred, as Spark ML centres them.
 */
public final class DriverSoftmaxRegression {
  /** Rows a matrix product takes at once: large enough for BLAS, small enough for the cache. */
  static final int BLOCK_ROWS = 2048;
  /** Spark ML's default convergence tolerance. */
  private static final double TOLERANCE = 1e-6;

  private final int maxIter;
  private final int threads;

  /** Fits of at most {@code maxIter} L-BFGS iterations, each evaluation on {@code threads} threads. */
  public DriverSoftmaxRegression(int maxIter, int threads) {
    if (maxIter < 1 || threads < 1) {
      throw new IllegalArgumentException("maxIter and threads must be at least 1, not " + maxIter + ", " + threads);
    }
    this.maxIter = maxIter;
    this.threads = threads;
  }

  /**
   * Whether {@code rows} samples of {@code dimension} features (as floats) fit in a quarter of the driver's heap: the
   * raw samples and a fit's standardized copy then take at most half of it.
   */
  public static boolean fitsDriver(long rows, int dimension) {
    return rows * dimension * Float.BYTES <= Runtime.getRuntime().maxMemory() / 4;
  }

  /** At most {@link #BLOCK_ROWS} samples of one partition: features row-major as floats, label indices, weights. */
  public record Block(float[] features, int[] labels, double[] weights) implements Serializable {
    int rows() {
      return labels.length;
    }
  }

  /** Samples on the driver, standardized, in blocks of rows: K classes and {@code dimension} features. */
  public record Samples(List<Block> blocks, int dimension, int classes) {}

  /** The fitted model, how many L-BFGS iterations it took and how many passes over the samples. */
  public record Fit(LogisticRegressionModel model, int iterations, int evaluations) {}

  /** Fits at L2 strength {@code reg} on the collected samples. */
  public Fit fit(Samples samples, double reg) {
    if (reg < 0) {
      throw new IllegalArgumentException("reg must be >= 0, not " + reg);
    }
    try (Loss loss = new Loss(samples.blocks(), samples.dimension(), samples.classes(), reg, threads)) {
      Lbfgs.Result result = new Lbfgs(maxIter, TOLERANCE).minimize(loss, loss.initial());
      return new Fit(loss.model(result.x()), result.iterations(), result.evaluations());
    }
  }

  /**
   * The loss and its gradient at a parameter vector laid out as Spark ML lays it out for a multinomial fit: the K×d
   * coefficients row-major (class by class), then the K intercepts.
   */
  static final class Loss implements Lbfgs.Objective, AutoCloseable {
    private final List<Block> blocks;
    private final int d;
    private final int k;
    private final double reg;
    private final double weightSum;
    private final ExecutorService pool;
    private final int threads;

    Loss(List<Block> blocks, int d, int k, double reg, int threads) {
      this.blocks = blocks;
      this.d = d;
      this.k = k;
      this.reg = reg;
      this.threads = Math.min(threads, Math.max(1, blocks.size()));
      this.pool = Executors.newFixedThreadPool(this.threads, r -> {
        Thread t = new Thread(r, "fruits-softmax-fit");
        t.setDaemon(true);
        return t;
      });
      double sum = 0;
      for (Block b : blocks) {
        for (double w : b.weights()) {
          sum += w;
        }
      }
      this.weightSum = sum;
    }

    /** Zero coefficients and the log of each class's weighted share, centred: Spark ML's starting point. */
    double[] initial() {
      double[] share = new double[k];
      for (Block b : blocks) {
        for (int i = 0; i < b.rows(); i++) {
          share[b.labels()[i]] += b.weights()[i];
        }
      }
      double[] x = new double[k * d + k];
      double mean = 0;
      for (int c = 0; c < k; c++) {
        // a class with no weight starts far below the others rather than at -infinity
        x[k * d + c] = Math.log(Math.max(share[c], 1e-12) / weightSum);
        mean += x[k * d + c] / k;
      }
      for (int c = 0; c < k; c++) {
        x[k * d + c] -= mean;
      }
      return x;
    }

    LogisticRegressionModel model(double[] x) {
      double[] intercepts = Arrays.copyOfRange(x, k * d, k * d + k);
      double mean = Arrays.stream(intercepts).average().orElse(0);
      for (int c = 0; c < k; c++) {
        intercepts[c] -= mean;
      }
      // row-major K×d: Spark's DenseMatrix with isTransposed = true
      DenseMatrix coefficients = new DenseMatrix(k, d, Arrays.copyOf(x, k * d), true);
      return new LogisticRegressionModel(Identifiable$.MODULE$.randomUID("logreg"), coefficients,
          Vectors.dense(intercepts), k, true);
    }

    @Override
    public double evaluate(double[] x, double[] gradient) {
      float[] coefficients = new float[k * d];
      for (int i = 0; i < k * d; i++) {
        coefficients[i] = (float) x[i];
      }
      double[] intercepts = Arrays.copyOfRange(x, k * d, k * d + k);
      List<Future<Partial>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        futures.add(pool.submit(() -> partial(first, coefficients, intercepts)));
      }
      double loss = 0;
      Arrays.fill(gradient, 0);
      try {
        for (Future<Partial> f : futures) {
          Partial p = f.get();
          loss += p.loss;
          for (int i = 0; i < k * d; i++) {
            gradient[i] += p.coefficientGradient[i];
          }
          for (int c = 0; c < k; c++) {
            gradient[k * d + c] += p.interceptGradient[c];
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while fitting", e);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IllegalStateException("the fit failed: " + e.getCause(), e.getCause());
      }
      loss /= weightSum;
      double penalty = 0;
      for (int i = 0; i < k * d + k; i++) {
        gradient[i] /= weightSum;
        if (i < k * d) {
          penalty += x[i] * x[i];
          gradient[i] += reg * x[i];
        }
      }
      return loss + 0.5 * reg * penalty;
    }

    private record Partial(double loss, float[] coefficientGradient, double[] interceptGradient) {}

    /** The unnormalized loss and gradient over every {@code threads}-th block from {@code first}. */
    private Partial partial(int first, float[] coefficients, double[] intercepts) {
      BLAS blas = BLAS.getInstance();
      float[] gradient = new float[k * d];
      double[] interceptGradient = new double[k];
      float[] scores = new float[BLOCK_ROWS * k];
      double loss = 0;
      double[] p = new double[k];
      for (int index = first; index < blocks.size(); index += threads) {
        Block b = blocks.get(index);
        int r = b.rows();
        // scores (column-major r×K) = X (r×d) · Wᵀ; X row-major is column-major d×r, W row-major K×d is d×K
        blas.sgemm("T", "N", r, k, d, 1f, b.features(), d, coefficients, d, 0f, scores, r);
        for (int i = 0; i < r; i++) {
          double max = Double.NEGATIVE_INFINITY;
          for (int c = 0; c < k; c++) {
            p[c] = scores[i + c * r] + intercepts[c];
            max = Math.max(max, p[c]);
          }
          double sum = 0;
          for (int c = 0; c < k; c++) {
            p[c] = Math.exp(p[c] - max);
            sum += p[c];
          }
          int y = b.labels()[i];
          double w = b.weights()[i];
          loss += w * (Math.log(sum) + max - (scores[i + y * r] + intercepts[y]));
          for (int c = 0; c < k; c++) {
            double delta = w * (p[c] / sum - (c == y ? 1 : 0));
            scores[i + c * r] = (float) delta;
            interceptGradient[c] += delta;
          }
        }
        // gradient (d×K column-major, i.e. K×d row-major) += X_colmajor (d×r) · delta (r×K)
        blas.sgemm("N", "N", d, k, r, 1f, b.features(), d, scores, r, 1f, gradient, d);
      }
      return new Partial(loss, gradient, interceptGradient);
    }

    @Override
    public void close() {
      pool.shutdownNow();
    }
  }
}
