package com.fruits.spark.ml;

import com.fruits.core.run.TrainSummary;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;

/**
 * The BLAS that the classifier's L-BFGS gradients (on the driver or in Spark ML) and PCA run on in this JVM, chosen
 * as Spark chooses it: the system's native library ({@code libblas.so.3}, e.g. OpenBLAS) where netlib can load it,
 * else netlib's Java implementation. On a 2-core AMD EPYC (AVX-512) the native one runs the driver's training
 * iterations about twice as fast (docs/benchmarks.md, "Training and native BLAS").
 */
public final class SparkBlas {
  private SparkBlas() {}

  /**
   * netlib's implementation class name: {@value TrainSummary#NATIVE_BLAS} for the native library, else
   * {@code VectorBLAS}, {@code F2jBLAS}, ...
   */
  public static String implementation() {
    try {
      return NativeBLAS.getInstance().getClass().getSimpleName();
    } catch (RuntimeException | LinkageError e) {
      // netlib throws when no native library loads; Spark then uses the Java one, as here
      return JavaBLAS.getInstance().getClass().getSimpleName();
    }
  }
}
