package com.fruits.spark.ml;

import com.fruits.core.linalg.SymmetricEigenvalues;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The explained-variance curve of standardized features: fits a StandardScaler (mean and std), computes the d × d
 * covariance of the scaled rows (the only thing that reaches the driver, never the rows) and its eigenvalues.
 * The eigenvalues come from {@link SymmetricEigenvalues} rather than Spark's PCA, whose SVD returns NaN for the
 * rank-deficient covariance of a sample smaller than the dimension (seen with 240 stratified rows, d = 1280).
 */
public record VarianceCurve(double[] ratios, StandardScalerModel scaler) {
  public static final String SCALED = "scaled";
  public static final String PCA_COLUMN = "pca";

  public static StandardScalerModel fitScaler(Dataset<Row> vectors) {
    return new StandardScaler().setInputCol(FeatureVectors.VECTOR).setOutputCol(SCALED)
        .setWithMean(true).setWithStd(true).fit(vectors);
  }

  public static PCAModel fitPca(Dataset<Row> scaled, int k) {
    return new PCA().setInputCol(SCALED).setOutputCol(PCA_COLUMN).setK(k).fit(scaled);
  }

  /** Fits the scaler and the curve on {@code vectors} (a {@link FeatureVectors#VECTOR} column) of dimension d. */
  public static VarianceCurve fit(Dataset<Row> vectors, int dimension) {
    StandardScalerModel scaler = fitScaler(vectors);
    JavaRDD<org.apache.spark.mllib.linalg.Vector> rows = scaler.transform(vectors).select(SCALED).javaRDD()
        .map(r -> Vectors.fromML((org.apache.spark.ml.linalg.Vector) r.get(0)));
    Matrix covariance = new RowMatrix(rows.rdd()).computeCovariance();
    double[] eigenvalues = SymmetricEigenvalues.of(covariance.toArray(), dimension); // column-major = row-major here
    double total = 0;
    for (int i = 0; i < eigenvalues.length; i++) {
      eigenvalues[i] = Math.max(0, eigenvalues[i]);
      total += eigenvalues[i];
    }
    double[] ratios = new double[dimension];
    for (int i = 0; i < dimension; i++) {
      ratios[i] = total > 0 ? eigenvalues[i] / total : 0;
    }
    return new VarianceCurve(ratios, scaler);
  }

  /** The smallest number of components whose cumulative explained variance reaches {@code variance}. */
  public int componentsFor(double variance) {
    double cumulative = 0;
    for (int i = 0; i < ratios.length; i++) {
      cumulative += ratios[i];
      if (cumulative >= variance - 1e-12) {
        return i + 1;
      }
    }
    return ratios.length;
  }

  public double cumulative(int k) {
    double sum = 0;
    for (int i = 0; i < Math.min(k, ratios.length); i++) {
      sum += ratios[i];
    }
    return sum;
  }
}
