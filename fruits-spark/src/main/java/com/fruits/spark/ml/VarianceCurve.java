package com.fruits.spark.ml;

import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The explained-variance curve of standardized features: fits a StandardScaler (mean and std) and a PCA with all
 * components; only the d × d covariance reaches the driver, never the rows.
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

  /** Fits scaler and full PCA on {@code vectors} (a {@link FeatureVectors#VECTOR} column) of dimension {@code d}. */
  public static VarianceCurve fit(Dataset<Row> vectors, int dimension) {
    StandardScalerModel scaler = fitScaler(vectors);
    PCAModel full = fitPca(scaler.transform(vectors), dimension);
    return new VarianceCurve(full.explainedVariance().toArray(), scaler);
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
