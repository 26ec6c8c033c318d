package com.fruits.spark.ml.stages;

import com.fruits.spark.ml.FeatureVectors;
import com.fruits.spark.ml.VarianceCurve;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * PCA whose number of components is chosen by explained variance: the smallest k whose components explain at least
 * {@link #variance} of the input's variance (or a fixed {@link #k}). The fitted model is Spark ML's own
 * {@link PCAModel} (its {@code explainedVariance()}: each chosen component's share), so it saves, loads and serves
 * like any PCA. The eigenvalues come from {@link VarianceCurve} (Householder + QL on the covariance Spark computes),
 * which stays finite on the rank-deficient covariance of a sample smaller than the dimension, where Spark's own SVD
 * returned NaN. Meant for standardized input: put a {@code StandardScaler} with mean and std before it (the curve is
 * that of the correlation matrix); {@link #curve} gives the whole curve for a report.
 */
public final class VariancePCA extends Estimator<PCAModel>
    implements HasColumns<VariancePCA>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final Columns columns;
  /** The share of variance the components must explain, in (0, 1]. Default 0.95. */
  private final DoubleParam variance;
  /** A fixed number of components instead; 0 (the default) chooses by {@link #variance}. */
  private final IntParam k;

  public VariancePCA() {
    this(Identifiable$.MODULE$.randomUID("variancePCA"));
  }

  public VariancePCA(String uid) {
    this.uid = uid;
    columns = Columns.of(this, "input vectors (standardized)", "the principal components");
    variance = new DoubleParam(this, "variance", "share of variance to explain, in (0, 1]",
        ParamValidators.inRange(0, 1, false, true));
    k = new IntParam(this, "k", "a fixed number of components (0: chosen by variance)", ParamValidators.gtEq(0));
    setDefault(inputCol(), "scaled");
    setDefault(outputCol(), "pca");
    setDefault(variance, 0.95);
    setDefault(k, 0);
  }

  @Override
  public String uid() {
    return uid;
  }

  // Spark ML finds a stage's params through its public methods that return them (what a Scala val compiles to)

  public DoubleParam variance() {
    return variance;
  }

  public IntParam k() {
    return k;
  }

  public VariancePCA setVariance(double value) {
    return (VariancePCA) set(variance, value);
  }

  public VariancePCA setK(int value) {
    return (VariancePCA) set(k, value);
  }

  public double getVariance() {
    return (Double) $(variance);
  }

  public int getK() {
    return (Integer) $(k);
  }

  @Override
  public Columns columns() {
    return columns;
  }

  /** The explained-variance curve of {@code dataset}'s input column (standardized first): each component's share. */
  public VarianceCurve curve(Dataset<?> dataset) {
    Dataset<Row> vectors = dataset.toDF().select(dataset.col(getInputCol()).as(FeatureVectors.VECTOR))
        .where(dataset.col(getInputCol()).isNotNull());
    int dimension = ((Vector) vectors.first().get(0)).size();
    return VarianceCurve.fit(vectors, dimension);
  }

  @Override
  public PCAModel fit(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Dataset<Row> rows = dataset.toDF().where(dataset.col(getInputCol()).isNotNull());
    int chosen = getK() > 0 ? getK() : curve(rows).componentsFor(getVariance());
    PCAModel model = new PCA(uid).setInputCol(getInputCol()).setOutputCol(getOutputCol()).setK(chosen).fit(rows);
    return model.setParent(this);
  }

  @Override
  public VariancePCA copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (!java.util.Arrays.asList(schema.fieldNames()).contains(getInputCol())
        || !schema.apply(getInputCol()).dataType().equals(SQLDataTypes.VectorType())) {
      throw new IllegalArgumentException("VariancePCA: input column '" + getInputCol() + "' must hold vectors");
    }
    return schema.add(getOutputCol(), SQLDataTypes.VectorType(), true);
  }

  public static MLReader<VariancePCA> read() {
    return new DefaultParamsReader<>();
  }

  public static VariancePCA load(String path) {
    return read().load(path);
  }
}
