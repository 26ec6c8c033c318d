package com.fruits.spark.ml.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fruits.core.TestImages;
import com.fruits.core.model.ModelSpecs;
import com.fruits.core.serving.ServingBundle;
import com.fruits.spark.ml.BundleExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public Spark ML stages as a user builds them by hand: a pipeline from photo paths to a classifier, fitted,
 * saved, loaded in a fresh session, and exported to the Spark-free serving bundle, which answers the same.
 */
class SparkMlStagesTest {
  private static final List<String> FOLDERS = List.of("Lemon", "Kiwi", "Strawberry");
  private static final StructType PHOTOS = new StructType().add("path", DataTypes.StringType, false)
      .add("label", DataTypes.StringType, false);

  @TempDir Path work;

  private static SparkSession session() {
    return SparkSession.builder().master("local[2]").appName("ml-stages-test").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4").getOrCreate();
  }

  private List<Row> photos(String split, int perFolder) throws Exception {
    List<Row> rows = new ArrayList<>();
    for (String folder : FOLDERS) {
      try (var files = Files.list(TestImages.fruitsDir().resolve(split).resolve(folder))) {
        files.sorted().limit(perFolder).forEach(f -> rows.add(RowFactory.create(f.toUri().toString(), folder)));
      }
    }
    return rows;
  }

  @Test
  void aPipelineOfThePublicStagesSavesLoadsAndExportsTheBundleItServes() throws Exception {
    String spec = TestImages.modelSpec("mobilenetv2").toString();
    List<Row> training = photos("Training", 8);
    Path broken = Files.write(work.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
    training.add(RowFactory.create(broken.toUri().toString(), "Lemon"));
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
      new ImageFeaturizer().setModelSpec(spec).setInputCol("path").setOutputCol("features").setBatchSize(4),
      new SQLTransformer().setStatement("SELECT * FROM __THIS__ WHERE error IS NULL"),
      new StringIndexer().setInputCol("label").setOutputCol("label_index"),
      new StandardScaler().setInputCol("features").setOutputCol("scaled").setWithMean(true).setWithStd(true),
      new LogisticRegression().setFeaturesCol("scaled").setLabelCol("label_index").setRegParam(0.01).setMaxIter(20)});

    SparkSession spark = session();
    String saved = work.resolve("pipeline").toString();
    PipelineModel fitted = pipeline.fit(spark.createDataFrame(training, PHOTOS));
    fitted.write().overwrite().save(saved);
    spark.stop();

    spark = session();
    try {
      PipelineModel loaded = PipelineModel.load(saved);
      // a photo that cannot be decoded is a row with its reason, never a failed job
      Row failed = loaded.stages()[0].transform(spark.createDataFrame(List.of(training.get(training.size() - 1)),
          PHOTOS)).first();
      assertThat(failed.<Object>getAs("features")).isNull();
      assertThat(failed.<String>getAs("error")).startsWith("corrupt");
      List<String> labels = List.of(((StringIndexerModel) loaded.stages()[2]).labelsArray()[0]);
      Path bundleDir = work.resolve("bundle");
      BundleExport.write(BundleExport.from(loaded, labels, ModelSpecs.load(Path.of(spec)), Map.of(), null),
          bundleDir.toString(), spark.sparkContext().hadoopConfiguration());
      ServingBundle bundle = ServingBundle.load(bundleDir);
      assertThat(bundle.labels()).isEqualTo(labels);

      List<Row> answers = loaded.transform(spark.createDataFrame(photos("Test", 4), PHOTOS)).collectAsList();
      assertThat(answers).hasSize(12);
      int right = 0;
      for (Row answer : answers) {
        double[] features = answer.<Vector>getAs("features").toArray();
        float[] floats = new float[features.length];
        for (int i = 0; i < features.length; i++) {
          floats[i] = (float) features[i];
        }
        double[] fromSpark = answer.<Vector>getAs("probability").toArray();
        double[] fromBundle = bundle.probabilities(floats, null);
        for (int c = 0; c < labels.size(); c++) {
          assertThat(fromBundle[c]).isCloseTo(fromSpark[c], within(1e-5));
        }
        right += labels.get((int) answer.<Double>getAs("prediction").doubleValue()).equals(answer.getAs("label")) ? 1 : 0;
      }
      assertThat(right).isGreaterThanOrEqualTo(11);
    } finally {
      spark.stop();
    }
  }

  /** PCA with k by explained variance, inside a pipeline the bundle serves: on vectors of known structure. */
  @Test
  void variancePcaChoosesKAndTheBundleServesThePipelineThroughIt() throws Exception {
    // 3 classes, 12-d vectors: 3 that tell them apart, and 9 near-copies of those (4 of each)
    StructType schema = new StructType().add("vector", SQLDataTypes.VectorType(), false)
        .add("label", DataTypes.StringType, false);
    List<Row> rows = new ArrayList<>();
    java.util.Random random = new java.util.Random(3);
    for (int i = 0; i < 240; i++) {
      int c = i % 3;
      double[] v = new double[12];
      for (int j = 0; j < v.length; j++) {
        v[j] = j < 3 ? (j == c ? 4 : 0) + random.nextGaussian() : v[j % 3] + 0.05 * random.nextGaussian();
      }
      rows.add(RowFactory.create(Vectors.dense(v), "class-" + c));
    }
    SparkSession spark = session();
    try {
      Dataset<Row> data = spark.createDataFrame(rows, schema);
      VariancePCA variancePca = new VariancePCA().setInputCol("scaled").setOutputCol("pca").setVariance(0.95);
      PipelineModel model = new Pipeline().setStages(new PipelineStage[] {
        new StringIndexer().setInputCol("label").setOutputCol("label_index"),
        new StandardScaler().setInputCol("vector").setOutputCol("scaled").setWithMean(true).setWithStd(true),
        variancePca,
        new LogisticRegression().setFeaturesCol("pca").setLabelCol("label_index").setRegParam(0.01)}).fit(data);
      PCAModel pca = (PCAModel) model.stages()[2];
      double[] curve = variancePca.curve(model.stages()[1].transform(data)).ratios();
      assertThat(curve).hasSize(12);
      // standardized: two components explain about 92 %, the third the rest but for the copies' noise
      assertThat(curve[0] + curve[1]).isLessThan(0.95);
      assertThat(curve[0] + curve[1] + curve[2]).isGreaterThan(0.99);
      assertThat(pca.getK()).isEqualTo(3);
      assertThat(Arrays.stream(pca.explainedVariance().toArray()).sum()).isGreaterThanOrEqualTo(0.95);

      String saved = work.resolve("variance-pca").toString();
      variancePca.write().overwrite().save(saved);
      assertThat(VariancePCA.load(saved).getVariance()).isEqualTo(0.95);
      assertThatThrownBy(() -> new VariancePCA().setVariance(1.5)).isInstanceOf(IllegalArgumentException.class);

      List<String> labels = List.of(((StringIndexerModel) model.stages()[0]).labelsArray()[0]);
      Path bundleDir = work.resolve("pca-bundle");
      BundleExport.write(BundleExport.from(model, labels,
          ModelSpecs.load(TestImages.modelSpec("mobilenetv2")), Map.of(), null), bundleDir.toString(),
          spark.sparkContext().hadoopConfiguration());
      ServingBundle bundle = ServingBundle.load(bundleDir);
      for (Row answer : model.transform(data).limit(30).collectAsList()) {
        double[] v = answer.<Vector>getAs("vector").toArray();
        float[] floats = new float[v.length];
        for (int i = 0; i < v.length; i++) {
          floats[i] = (float) v[i];
        }
        // the bundle reads float features, as the featurizer writes them
        double[] fromSpark = model.transform(spark.createDataFrame(List.of(RowFactory.create(
            Vectors.dense(toDoubles(floats)), answer.<String>getAs("label"))), schema)).first()
            .<Vector>getAs("probability").toArray();
        double[] fromBundle = bundle.probabilities(floats, null);
        for (int c = 0; c < labels.size(); c++) {
          assertThat(fromBundle[c]).isCloseTo(fromSpark[c], within(1e-5));
        }
      }
    } finally {
      spark.stop();
    }
  }

  private static double[] toDoubles(float[] values) {
    double[] doubles = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      doubles[i] = values[i];
    }
    return doubles;
  }

  @Test
  void theFeaturizerKeepsItsParamsThroughSaveAndLoadAndValidatesThem() throws Exception {
    ImageFeaturizer featurizer = new ImageFeaturizer().setModelSpec("models/x.json").setBatchSize(3).setThreads(2)
        .setInputCol("content").setDevice("cuda");
    String dir = work.resolve("featurizer").toString();
    SparkSession spark = session();
    try {
      featurizer.write().overwrite().save(dir);
      ImageFeaturizer loaded = ImageFeaturizer.load(dir);
      assertThat(loaded.uid()).isEqualTo(featurizer.uid());
      assertThat(loaded.getBatchSize()).isEqualTo(3);
      assertThat(loaded.getThreads()).isEqualTo(2);
      assertThat(loaded.getDevice()).isEqualTo("cuda");
      assertThat(new ImageFeaturizer().getDevice()).isEqualTo("auto");
      assertThatThrownBy(() -> featurizer.setDevice("gpu")).isInstanceOf(IllegalArgumentException.class);
      assertThat(loaded.getInputCol()).isEqualTo("content");
      assertThat(loaded.getModelSpec()).isEqualTo("models/x.json");
      assertThatThrownBy(() -> featurizer.setBatchSize(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> new ImageFeaturizer().transformSchema(PHOTOS))
          .hasMessageContaining("set modelSpec");
      assertThatThrownBy(() -> featurizer.transformSchema(PHOTOS)).hasMessageContaining("no input column 'content'");
      StructType out = new ImageFeaturizer().setModelSpec("m.json").transformSchema(PHOTOS);
      assertThat(out.fieldNames()).containsExactly("path", "label", "features", "error");
    } finally {
      spark.stop();
    }
  }
}
