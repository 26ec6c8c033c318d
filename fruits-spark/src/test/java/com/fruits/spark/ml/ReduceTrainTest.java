package com.fruits.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.sql.functions.col;

import com.fruits.core.FruitsException;
import com.fruits.core.TestImages;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.model.ModelResolver;
import com.fruits.core.serving.FruitRecognizer;
import com.fruits.core.serving.ServingBundle;
import com.fruits.spark.FeatureTable;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.FeaturizeOptions;
import com.fruits.spark.HadoopFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** reduce and train on real MobileNetV2 features of real shared photos, on local[2]. */
class ReduceTrainTest {
  static final List<String> LABELS = List.of("Lemon", "Kiwi", "Strawberry", "Plum");
  private static SparkSession spark;
  @TempDir static Path work;
  private static String features;
  private static ReduceSummary reduce;

  @BeforeAll
  static void featurize() throws Exception {
    Path images = work.resolve("images");
    for (String label : LABELS) {
      copy("Training/" + label, images.resolve("Training/" + label), 16);
      copy("Test/" + label, images.resolve("Test/" + label), 6);
    }
    copy("Test/Pear", images.resolve("Test/Pear"), 2); // a class the Training split does not have
    Files.write(images.resolve("Training/Lemon/broken.jpg"), new byte[0]);
    spark = SparkSession.builder().master("local[2]").appName("ml-test").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4").getOrCreate();
    features = work.resolve("features").toString();
    new FeaturizeJob(spark, FeaturizeOptions.of(images.toString(), features, TestImages.modelSpec("mobilenetv2")),
        ResolvedModel.resolve(TestImages.modelSpec("mobilenetv2")), false).run();
    reduce = new ReduceJob(spark, new ReduceOptions(features, work.resolve("reduced").toString(), 0.8, null,
        List.of("20", "all"), 2, false)).run();
  }

  private static void copy(String from, Path to, int count) throws Exception {
    Files.createDirectories(to);
    try (var files = Files.list(TestImages.fruitsDir().resolve(from))) {
      for (Path file : files.sorted().limit(count).toList()) {
        Files.copy(file, to.resolve(file.getFileName()));
      }
    }
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void reduceKeepsEveryRowAndChoosesKByVariance() {
    int training = LABELS.size() * 16;
    assertThat(reduce.fitRows()).isEqualTo(training);
    assertThat(reduce.fitOn()).isEqualTo("Training");
    assertThat(reduce.featureDimension()).isEqualTo(1280);
    assertThat(reduce.rowsWithoutFeatures()).isEqualTo(1);
    assertThat(reduce.k()).isEqualTo(reduce.k80());
    assertThat(reduce.varianceKept()).isGreaterThanOrEqualTo(0.8);
    assertThat(reduce.k80()).isLessThanOrEqualTo(reduce.k90());
    assertThat(reduce.k90()).isLessThanOrEqualTo(reduce.k95());
    assertThat(reduce.k95()).isLessThan(training);
    assertThat(reduce.study()).extracting(ReduceSummary.StudyPoint::size).containsExactly("20", "20", "all");
    assertThat(reduce.study().get(0).images()).isEqualTo(20);
    assertThat(reduce.study().get(0).k80()).isLessThan(20);

    Dataset<Row> table = spark.read().parquet(HadoopFiles.child(reduce.output(), "table"));
    assertThat(table.count()).isEqualTo(reduce.rows());
    Row broken = table.where(col("path").endsWith("/broken.jpg")).first();
    assertThat(broken.isNullAt(broken.fieldIndex("pca"))).isTrue();
    assertThat(broken.<String>getAs("error")).startsWith("empty_file");
    Row any = table.where(col("pca").isNotNull()).first();
    assertThat(((Vector) any.getAs("pca")).size()).isEqualTo(reduce.k());
    assertThat(Path.of(reduce.output(), "explained-variance.csv")).exists();
    assertThat(Path.of(reduce.output(), "class-balance.csv")).content().contains("Lemon,Training,,17");
  }

  @Test
  void badReduceRequestsFailClearly() {
    assertThatThrownBy(() -> new ReduceOptions(features, "x", 1.5, null, List.of(), 1, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("--variance must be in (0, 1], got 1.5");
    assertThatThrownBy(() -> new ReduceJob(spark, new ReduceOptions(features, work.resolve("r2").toString(), 0.8,
        5000, List.of(), 1, false)).run())
        .isInstanceOf(FruitsException.class)
        .hasMessage("asked for 5000 components but the features have only 1280 dimensions");
  }

  @Test
  void trainScoresTestAndTheBundleAgreesWithSpark() {
    String out = work.resolve("model").toString();
    // 64 training photos: beyond a handful of components the classifier fits session-specific detail, and its
    // Test accuracy then depends on the optimizer's path (k = 8 scored 0.25 to 1.0 across runs); k = 4 is stable
    TrainSummary summary = new TrainJob(spark, new TrainOptions(reduce.output(), out, List.of(4), List.of(0.0, 1.0),
        List.of(0.01, 0.1), 2, null, 42, 100, false)).run();
    assertThat(summary.labels()).containsExactly("Kiwi", "Lemon", "Plum", "Strawberry");
    assertThat(summary.testRowsWithUnknownLabels()).isEqualTo(2);
    assertThat(summary.unknownTestLabels()).containsEntry("Pear", 2L);
    assertThat(summary.testRows()).isEqualTo(LABELS.size() * 6);
    assertThat(summary.crossValidation()).hasSize(4);
    assertThat(summary.crossValidation()).extracting(TrainSummary.CvPoint::colorWeight).containsOnly(0.0, 1.0);
    assertThat(summary.testAccuracy()).isGreaterThanOrEqualTo(0.9);

    assertBundleAgreesWithSpark(out, summary);

    // without colour (weight 0) the bundle leaves the colour term out, and still agrees
    String plain = work.resolve("model-without-colour").toString();
    TrainSummary without = new TrainJob(spark, new TrainOptions(reduce.output(), plain, List.of(4), List.of(0.0),
        List.of(0.1), 2, null, 42, 100, false)).run();
    assertBundleAgreesWithSpark(plain, without);
  }

  /** The Spark-free bundle in {@code out} reproduces Spark's probabilities on every Test image. */
  private static void assertBundleAgreesWithSpark(String out, TrainSummary summary) {
    ServingBundle bundle = ServingBundle.load(Path.of(out, "bundle"));
    assertThat(bundle.components()).isEqualTo(summary.components());
    assertThat(bundle.usesColor()).isEqualTo(summary.colorWeight() > 0);
    StandardScalerModel scaler =
        (StandardScalerModel) PipelineModel.load(HadoopFiles.child(reduce.output(), "model")).stages()[0];
    PCAModel pca = PCAModel.load(HadoopFiles.child(out, "spark-pca"));
    StandardScalerModel colorScaler = StandardScalerModel.load(HadoopFiles.child(out, "spark-color-scaler"));
    PipelineModel classifier = PipelineModel.load(HadoopFiles.child(out, "spark-model"));
    Dataset<Row> test = FeatureVectors.vectors(spark.read().parquet(FeatureTable.table(features)))
        .where(col("split").equalTo("Test").and(col("label").isin(LABELS.toArray())))
        .withColumn(TrainJob.COLOR_VECTOR, array_to_vector(col(FeatureTable.COLOR)));
    List<Row> scored = classifier.transform(colorScaler.transform(pca.transform(scaler.transform(test))))
        .select(FeatureTable.FEATURES, FeatureTable.COLOR, "probability").collectAsList();
    assertThat(scored).hasSize(LABELS.size() * 6);
    for (Row row : scored) {
      double[] expected = ((Vector) row.get(2)).toArray();
      double[] actual = bundle.probabilities(floats(row.getList(0)), floats(row.getList(1)));
      for (int c = 0; c < expected.length; c++) {
        assertThat(actual[c]).isCloseTo(expected[c], within(1e-6));
      }
    }
  }

  /** One preprocessing path: a photo gets the same features, and the same answer, in serving as in the batch. */
  @Test
  void recognizerReproducesTheBatchFeaturesAndPredictions() throws Exception {
    String out = work.resolve("model-for-serving").toString();
    new TrainJob(spark, new TrainOptions(reduce.output(), out, List.of(4), List.of(1.0), List.of(0.1), 2, null, 42, 100,
        false)).run();
    FruitRecognizer recognizer = FruitRecognizer.open(Path.of(out, "bundle"),
        new ModelResolver(ModelResolver.defaultCacheDir()), 1);
    List<Row> rows = spark.read().parquet(FeatureTable.table(features))
        .where(col("split").equalTo("Test").and(col("label").isin(LABELS.toArray()))).collectAsList();
    for (Row row : rows) {
      byte[] photo = Files.readAllBytes(Path.of(java.net.URI.create(row.getAs("path"))));
      FruitRecognizer.Description served = recognizer.describe(photo);
      float[] batchFeatures = floats(row.getList(row.fieldIndex("features")));
      float[] batchColor = floats(row.getList(row.fieldIndex("color")));
      assertThat(served.features()).containsExactly(batchFeatures, within(1e-4f));
      assertThat(served.color()).containsExactly(batchColor, within(1e-6f));
      FruitRecognizer.Recognition answer = recognizer.recognize(photo, 3);
      assertThat(answer.top()).hasSize(3);
      assertThat(answer.top().get(0).label())
          .isEqualTo(recognizer.bundle().top(served.features(), served.color(), 1).get(0).label());
    }
  }

  private static float[] floats(List<Float> values) {
    float[] x = new float[values.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = values.get(i);
    }
    return x;
  }

  @Test
  void featuresFromAnotherModelThanTheFittedPcaAreRefused() throws Exception {
    Path images = work.resolve("few");
    copy("Training/Kiwi", images.resolve("Training/Kiwi"), 2);
    copy("Test/Kiwi", images.resolve("Test/Kiwi"), 1);
    String otherFeatures = work.resolve("squeeze-features").toString();
    new FeaturizeJob(spark, FeaturizeOptions.of(images.toString(), otherFeatures, TestImages.modelSpec("squeezenet")),
        ResolvedModel.resolve(TestImages.modelSpec("squeezenet")), false).run();
    // a reduce output fitted on MobileNetV2 features whose summary now points at SqueezeNet features
    Path reduced = Files.createDirectories(work.resolve("mismatch"));
    Files.writeString(reduced.resolve("summary.json"),
        Files.readString(Path.of(reduce.output(), "summary.json")).replace(features, otherFeatures));
    assertThatThrownBy(() -> new TrainJob(spark, TrainOptions.of(reduced.toString(), work.resolve("m2").toString())).run())
        .isInstanceOf(FruitsException.class)
        .hasMessageContaining("come from model spec")
        .hasMessageContaining("run reduce again");
  }
}
