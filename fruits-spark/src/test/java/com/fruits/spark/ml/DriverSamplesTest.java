package com.fruits.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fruits.spark.FeatureTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
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

class DriverSamplesTest {
  private static final int D = 6;
  private static final int VIEWS = 3;
  private static final List<String> LABELS = List.of("apple", "kiwi", "not-a-fruit");
  private static final StructType PHOTOS = new StructType()
      .add(FeatureTable.PATH, DataTypes.StringType, false)
      .add(FeatureTable.SOURCE, DataTypes.StringType, false)
      .add(FeatureTable.SPLIT, DataTypes.StringType, false)
      .add(FeatureTable.LABEL, DataTypes.StringType, false)
      .add(FeatureTable.SPECIES, DataTypes.StringType, false)
      .add(FeatureTable.VARIETY, DataTypes.StringType, true)
      .add(FeatureTable.FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false)
      .add(FeatureTable.VIEW_FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), true)
      .add(FeatureTable.HEAD_LOGITS, DataTypes.createArrayType(DataTypes.FloatType, false), true);

  private static SparkSession spark;
  private static Dataset<Row> photos;
  /** Each photo's samples as {@code TrainJob} makes them for Spark ML: (source, label, vector). */
  private static final List<Object[]> expected = new ArrayList<>();

  @BeforeAll
  static void start() {
    spark = SparkSession.builder().master("local[2]").appName("driver-samples-test").config("spark.ui.enabled", "false")
        .getOrCreate();
    Random random = new Random(11);
    List<Row> rows = new ArrayList<>();
    for (int p = 0; p < 3000; p++) {
      // unequal labels, so that the weights differ
      String label = p % 7 == 0 ? "not-a-fruit" : p % 2 == 0 ? "apple" : "kiwi";
      String source = p % 4 == 0 ? "grocery" : "studio";
      float[] features = gaussian(random, D, LABELS.indexOf(label));
      float[] views = null;
      if (source.equals("grocery")) {
        views = new float[VIEWS * D];
        for (int v = 0; v < VIEWS; v++) {
          System.arraycopy(gaussian(random, D, 1), 0, views, v * D, D);
        }
      }
      rows.add(RowFactory.create("p" + p, source, "Training", label, label, null, boxed(features),
          views == null ? null : boxed(views), null));
      float[] samples = views == null ? features : views;
      for (int at = 0; at < samples.length; at += D) {
        double[] x = new double[D];
        for (int j = 0; j < D; j++) {
          x[j] = samples[at + j];
        }
        expected.add(new Object[] {source, label, Vectors.dense(x)});
      }
    }
    // a local relation keeps the rows' order across its partitions, so the blocks line up with the expected samples
    photos = spark.createDataFrame(rows, PHOTOS);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static float[] gaussian(Random random, int d, int shift) {
    float[] x = new float[d];
    for (int j = 0; j < d; j++) {
      x[j] = (float) (shift + (j + 1) * random.nextGaussian());
    }
    return x;
  }

  private static List<Float> boxed(float[] x) {
    List<Float> out = new ArrayList<>();
    for (float v : x) {
      out.add(v);
    }
    return out;
  }

  @Test
  void standardizesAsSparkMlsScalerAndWeighsEveryLabelAlike() {
    assertSubset(false);
  }

  @Test
  void aSubsetGetsItsOwnScaleLabelsAndWeights() {
    assertSubset(true);
  }

  private static void assertSubset(boolean withoutGrocery) {
    DriverSamples collected = DriverSamples.collect(photos);
    assertThat(collected.rows()).isEqualTo(expected.size());
    List<Vector> vectors = new ArrayList<>();
    List<String> labelsOfVectors = new ArrayList<>();
    for (Object[] sample : expected) {
      if (!withoutGrocery || !sample[0].equals("grocery")) {
        vectors.add((Vector) sample[2]);
        labelsOfVectors.add((String) sample[1]);
      }
    }
    DriverSamples.Standardized standardized = collected.standardized(
        photo -> !withoutGrocery || !photo.source().equals("grocery"), LABELS, "x", "scaled");

    List<Row> rows = new ArrayList<>();
    for (Vector v : vectors) {
      rows.add(RowFactory.create(v));
    }
    Dataset<Row> frame = spark.createDataFrame(rows, new StructType().add("x", SQLDataTypes.VectorType(), false));
    StandardScalerModel spark = new StandardScaler().setInputCol("x").setOutputCol("scaled").setWithMean(true)
        .setWithStd(true).fit(frame);
    for (int j = 0; j < D; j++) {
      assertThat(standardized.scaler().mean().apply(j)).isCloseTo(spark.mean().apply(j), within(1e-9));
      assertThat(standardized.scaler().std().apply(j)).isCloseTo(spark.std().apply(j), within(1e-9));
    }

    DriverSoftmaxRegression.Samples samples = standardized.samples();
    assertThat(samples.dimension()).isEqualTo(D);
    assertThat(samples.classes()).isEqualTo(LABELS.size());
    long[] perLabel = new long[LABELS.size()];
    labelsOfVectors.forEach(l -> perLabel[LABELS.indexOf(l)]++);
    // the blocks hold the kept samples in order: compare each with Spark's scaler and the class weight
    Vector[] theirs = scaled(spark, frame);
    Vector[] byOurScaler = scaled(standardized.scaler(), frame);
    int i = 0;
    for (DriverSoftmaxRegression.Block block : samples.blocks()) {
      assertThat(block.rows()).isLessThanOrEqualTo(DriverSoftmaxRegression.BLOCK_ROWS);
      for (int r = 0; r < block.rows(); r++, i++) {
        int label = LABELS.indexOf(labelsOfVectors.get(i));
        assertThat(block.labels()[r]).isEqualTo(label);
        assertThat(block.weights()[r]).isCloseTo((double) vectors.size() / (LABELS.size() * perLabel[label]),
            within(1e-12));
        for (int j = 0; j < D; j++) {
          assertThat((double) block.features()[r * D + j]).isCloseTo(theirs[i].apply(j), within(1e-5));
          assertThat(byOurScaler[i].apply(j)).isCloseTo(theirs[i].apply(j), within(1e-9));
        }
      }
    }
    assertThat(i).isEqualTo(vectors.size());
  }

  private static Vector[] scaled(StandardScalerModel scaler, Dataset<Row> frame) {
    return scaler.transform(frame).select("scaled").collectAsList().stream().map(r -> (Vector) r.get(0))
        .toArray(Vector[]::new);
  }
}
