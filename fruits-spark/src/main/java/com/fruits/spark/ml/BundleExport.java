package com.fruits.spark.ml;

import com.fruits.core.FruitsException;
import com.fruits.core.model.ModelSpec;
import com.fruits.core.model.ModelSpecs;
import com.fruits.core.serving.BundleContents;
import com.fruits.core.serving.ImageNetPrior;
import com.fruits.core.serving.ServingBundle;
import com.fruits.storage.HadoopFiles;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.linalg.Matrix;

/**
 * The Spark-free serving bundle, exported from fitted Spark ML stages: a {@link StandardScalerModel}, optionally a
 * {@link PCAModel}, and a multinomial {@link LogisticRegressionModel}, in that order. Whatever else a pipeline holds
 * (the image featurizer, label indexers) is not part of the classifier and is skipped. The bundle then gives the
 * same probabilities as the pipeline, without Spark.
 */
public final class BundleExport {
  private BundleExport() {}

  /**
   * The bundle of {@code model}'s classifier. {@code labels} are the classifier's classes in index order (a
   * {@code StringIndexerModel}'s {@code labelsArray()[0]}); {@code spec} is the featurizer's model spec.
   */
  public static BundleContents from(PipelineModel model, List<String> labels, ModelSpec spec,
      Map<String, Object> metadata, ImageNetPrior prior) {
    return from(model, labels, ModelSpecs.toJson(spec), spec.hash(), metadata, prior);
  }

  /** As {@link #from(PipelineModel, List, ModelSpec, Map, ImageNetPrior)}, with the spec as JSON and its hash. */
  public static BundleContents from(PipelineModel model, List<String> labels, String specJson, String specHash,
      Map<String, Object> metadata, ImageNetPrior prior) {
    StandardScalerModel scaler = null;
    PCAModel pca = null;
    LogisticRegressionModel lr = null;
    for (Transformer stage : model.stages()) {
      if (stage instanceof StandardScalerModel s && lr == null) {
        scaler = s;
      } else if (stage instanceof PCAModel p && scaler != null && lr == null) {
        pca = p;
      } else if (stage instanceof LogisticRegressionModel l && scaler != null) {
        lr = l;
      }
    }
    if (scaler == null || lr == null) {
      throw new FruitsException("a serving bundle needs a StandardScalerModel followed by a LogisticRegressionModel; "
          + "the pipeline's stages: " + Arrays.stream(model.stages()).map(t -> t.getClass().getSimpleName()).toList());
    }
    return from(scaler, pca, lr, labels, specJson, specHash, metadata, prior);
  }

  private static BundleContents from(StandardScalerModel scaler, PCAModel pca, LogisticRegressionModel lr,
      List<String> labels, String specJson, String specHash, Map<String, Object> metadata, ImageNetPrior prior) {
    int d = scaler.mean().size();
    if (lr.numClasses() != labels.size()) {
      throw new FruitsException("the classifier has " + lr.numClasses() + " classes, but " + labels.size()
          + " labels were given");
    }
    // what the scaler does, as a mean to subtract and a std to divide by
    double[] mean = scaler.getWithMean() ? scaler.mean().toArray() : new double[d];
    double[] std = scaler.getWithStd() ? scaler.std().toArray() : ones(d);
    double[][] projection = pca == null ? null : rows(pca.pc());
    Matrix w = lr.coefficientMatrix();
    double[][] coefficients = new double[labels.size()][w.numCols()];
    for (int c = 0; c < labels.size(); c++) {
      for (int j = 0; j < w.numCols(); j++) {
        coefficients[c][j] = w.apply(c, j);
      }
    }
    return new BundleContents(labels, specJson, specHash, mean, std, projection, BundleContents.ColorTerm.NONE,
        coefficients, lr.interceptVector().toArray(), metadata, prior);
  }

  /**
   * Writes {@code contents} as {@code bundle.bin} and {@code bundle.json} into {@code dir} (local or object store);
   * returns the bundle's version.
   */
  public static String write(BundleContents contents, String dir, Configuration conf) {
    byte[] arrays = ServingBundle.arrays(contents);
    HadoopFiles.writeBytes(HadoopFiles.child(dir, ServingBundle.ARRAYS_FILE), arrays, conf);
    HadoopFiles.writeString(HadoopFiles.child(dir, ServingBundle.JSON_FILE), ServingBundle.json(contents, arrays), conf);
    return ServingBundle.versionOf(arrays);
  }

  private static double[] ones(int d) {
    double[] ones = new double[d];
    Arrays.fill(ones, 1);
    return ones;
  }

  private static double[][] rows(Matrix m) {
    double[][] rows = new double[m.numRows()][m.numCols()];
    for (int i = 0; i < m.numRows(); i++) {
      for (int j = 0; j < m.numCols(); j++) {
        rows[i][j] = m.apply(i, j);
      }
    }
    return rows;
  }
}
