package com.fruits.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DriverSoftmaxRegressionTest {
  private static final int CLASSES = 4;
  private static final int DIMENSION = 12;
  private static final StructType SCHEMA = new StructType().add("x", SQLDataTypes.VectorType(), false)
      .add("y", DataTypes.DoubleType, false).add("w", DataTypes.DoubleType, false);

  private static SparkSession spark;
  private static List<Row> rows;
  private static Dataset<Row> samples;

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("driver-softmax-test").config("spark.ui.enabled", "false")
        .getOrCreate();
    // overlapping Gaussian classes (so the optimum is finite), unequal weights, more rows than a block
    Random random = new Random(7);
    double[][] centres = new double[CLASSES][DIMENSION];
    for (double[] centre : centres) {
      for (int j = 0; j < DIMENSION; j++) {
        centre[j] = random.nextGaussian();
      }
    }
    rows = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      int label = random.nextInt(CLASSES);
      double[] x = new double[DIMENSION];
      for (int j = 0; j < DIMENSION; j++) {
        x[j] = centres[label][j] + 1.5 * random.nextGaussian();
      }
      rows.add(RowFactory.create(Vectors.dense(x), (double) label, 0.5 + random.nextDouble() * 1.5));
    }
    samples = spark.createDataFrame(rows, SCHEMA).repartition(3).cache();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  /** The rows as the driver holds samples: floats in blocks of at most {@link DriverSoftmaxRegression#BLOCK_ROWS}. */
  private static DriverSoftmaxRegression.Samples blocks() {
    List<DriverSoftmaxRegression.Block> blocks = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += DriverSoftmaxRegression.BLOCK_ROWS) {
      int n = Math.min(DriverSoftmaxRegression.BLOCK_ROWS, rows.size() - from);
      float[] x = new float[n * DIMENSION];
      int[] y = new int[n];
      double[] w = new double[n];
      for (int i = 0; i < n; i++) {
        Row row = rows.get(from + i);
        double[] values = ((Vector) row.get(0)).toArray();
        for (int j = 0; j < DIMENSION; j++) {
          x[i * DIMENSION + j] = (float) values[j];
        }
        y[i] = (int) row.getDouble(1);
        w[i] = row.getDouble(2);
      }
      blocks.add(new DriverSoftmaxRegression.Block(x, y, w));
    }
    return new DriverSoftmaxRegression.Samples(blocks, DIMENSION, CLASSES);
  }

  @Test
  void theGradientIsTheLossesDerivative() {
    DriverSoftmaxRegression.Samples collected = blocks();
    try (DriverSoftmaxRegression.Loss loss = new DriverSoftmaxRegression.Loss(collected.blocks(), DIMENSION, CLASSES,
        0.01, 2)) {
      Random random = new Random(3);
      double[] x = loss.initial();
      for (int i = 0; i < x.length; i++) {
        x[i] += 0.3 * random.nextGaussian();
      }
      double[] gradient = new double[x.length];
      loss.evaluate(x, gradient);
      double eps = 1e-3;
      for (int i : new int[] {0, 5, DIMENSION + 3, CLASSES * DIMENSION - 1, CLASSES * DIMENSION, x.length - 1}) {
        double[] plus = x.clone();
        double[] minus = x.clone();
        plus[i] += eps;
        minus[i] -= eps;
        double numeric = (loss.evaluate(plus, new double[x.length]) - loss.evaluate(minus, new double[x.length]))
            / (2 * eps);
        assertThat(gradient[i]).as("d loss / d x[%d]", i).isCloseTo(numeric, within(2e-3));
      }
    }
  }

  @Test
  void itReachesSparkMlsOptimum() {
    double reg = 0.01;
    LogisticRegressionModel spark = new LogisticRegression().setFeaturesCol("x").setLabelCol("y").setWeightCol("w")
        .setFamily("multinomial").setRegParam(reg).setElasticNetParam(0).setStandardization(false).setMaxIter(500)
        .setTol(1e-10).fit(samples);
    DriverSoftmaxRegression.Fit driver = new DriverSoftmaxRegression(500, 2)
        .fit(blocks(), reg);

    assertThat(driver.iterations()).isBetween(5, 500);
    assertThat(driver.model().numClasses()).isEqualTo(CLASSES);
    double[] ours = driver.model().coefficientMatrix().toArray();
    double[] theirs = spark.coefficientMatrix().toArray();
    for (int i = 0; i < ours.length; i++) {
      assertThat(ours[i]).as("coefficient %d", i).isCloseTo(theirs[i], within(2e-3));
    }
    for (int c = 0; c < CLASSES; c++) {
      assertThat(driver.model().interceptVector().apply(c)).isCloseTo(spark.interceptVector().apply(c), within(2e-3));
    }
    int agree = 0;
    for (Row row : rows) {
      Vector x = (Vector) row.get(0);
      agree += driver.model().predictRaw(x).argmax() == spark.predictRaw(x).argmax() ? 1 : 0;
    }
    assertThat(agree).isGreaterThanOrEqualTo(rows.size() - 5);
  }
}
