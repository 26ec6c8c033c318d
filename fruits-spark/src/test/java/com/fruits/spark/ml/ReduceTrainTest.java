package com.fruits.spark.ml;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fruits.core.FruitsException;
import com.fruits.core.TestImages;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.image.ImageViews;
import com.fruits.core.image.ViewPolicy;
import com.fruits.core.model.ModelResolver;
import com.fruits.core.progress.JobProgress;
import com.fruits.core.run.ReduceSummary;
import com.fruits.core.run.RunFolder;
import com.fruits.core.run.SynthesizeSummary;
import com.fruits.core.run.TrainSummary;
import com.fruits.core.serving.ConfidenceCalibration;
import com.fruits.core.serving.FruitRecognizer;
import com.fruits.core.serving.HeadVeto;
import com.fruits.core.serving.ServingBundle;
import com.fruits.spark.FeatureTable;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.FeaturizeOptions;
import com.fruits.spark.synthetic.SynthesizeJob;
import com.fruits.storage.HadoopFiles;
import com.fruits.storage.Summaries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * reduce and train on real MobileNetV2 features of real shared photos, on local[2]: studio photos of four fruits
 * (mapped to species by the shipped taxonomy) and photos of no fruit, which get held-out Validation photos by the
 * stable draw and every view.
 */
class ReduceTrainTest {
  static final List<String> FOLDERS = List.of("Lemon", "Kiwi", "Strawberry", "Plum");
  static final List<String> SPECIES = List.of("kiwi", "lemon", "plum", "strawberry");
  static final String NOT_FRUIT_SOURCE = "imagenet-sample-nonfruit";
  private static SparkSession spark;
  @TempDir static Path work;
  private static String features;
  private static ReduceSummary reduce;

  @BeforeAll
  static void featurize() throws Exception {
    Path studio = work.resolve("fruits-360");
    TestImages.studioFolder(studio, FOLDERS, 16, 6);
    // a species Training lacks
    TestImages.copyFirst(TestImages.fruitsDir().resolve("Test/Pear"), studio.resolve("Test/Pear"), 2);
    Files.write(studio.resolve("Training/Lemon/broken.jpg"), new byte[0]);
    Path notFruit = TestImages.sharedDir().resolve("data/" + NOT_FRUIT_SOURCE);
    TestImages.copyFirst(notFruit, work.resolve(NOT_FRUIT_SOURCE), 40);
    spark = SparkSession.builder().master("local[2]").appName("ml-test").config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4").getOrCreate();
    features = work.resolve("features").toString();
    new FeaturizeJob(spark, FeaturizeOptions.of(studio + "," + work.resolve(NOT_FRUIT_SOURCE), features,
            TestImages.modelSpec("mobilenetv2")).withTaxonomy(null, ViewPolicy.parse("default=1,fruits-360=0", 0)),
        ResolvedModel.resolve(TestImages.modelSpec("mobilenetv2")), false).run();
    reduce = new ReduceJob(spark, ReduceOptions.builder(features, work.resolve("reduced").toString())
        .studySizes(List.of("20", "all")).studySeeds(2).build(), JobProgress.SILENT).run();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void theTableRecordsSourceSpeciesSplitAndViews() {
    Dataset<Row> table = spark.read().parquet(table(features));
    Row lemon = table.where(col("path").endsWith(".jpg").and(col("label").equalTo("lemon"))).first();
    assertThat(lemon.<String>getAs("source")).isEqualTo("fruits-360");
    assertThat(lemon.<String>getAs("species")).isEqualTo("lemon");
    float[] head = floats(lemon.getList(lemon.fieldIndex(FeatureTable.HEAD_LOGITS)));
    assertThat(head).hasSize(1000);
    long above = java.util.stream.IntStream.range(0, head.length).filter(i -> head[i] > head[951]).count();
    assertThat(above).as("classes the head ranks above 'lemon'").isLessThan(5);
    assertThat(table.where(col("label").equalTo("not-a-fruit")).count()).isEqualTo(40);
    long heldOut = table.where(col("source").equalTo(NOT_FRUIT_SOURCE).and(col("split").equalTo("Validation"))).count();
    assertThat(heldOut).isBetween(4L, 24L); // about 30 % by the stable draw
    // every not-a-fruit photo has all views (share 1); studio Training photos none (share 0); Test photos all
    assertThat(table.where(col("source").equalTo(NOT_FRUIT_SOURCE).and(col("view_features").isNull())).count())
        .isZero();
    assertThat(table.where(col("split").equalTo("Training").and(col("source").equalTo("fruits-360"))
        .and(col("view_features").isNotNull())).count()).isZero();
    Row test = table.where(col("split").equalTo("Test").and(col("label").equalTo("kiwi"))).first();
    List<Float> views = test.getList(test.fieldIndex("view_features"));
    List<Float> whole = test.getList(test.fieldIndex("features"));
    assertThat(views).hasSize(ImageViews.COUNT * whole.size());
    assertThat(views.subList(0, whole.size())).isEqualTo(whole); // view 0 is the whole photo
  }

  @Test
  void reduceKeepsEveryRowAndChoosesKByVariance() {
    long training = spark.read().parquet(table(features)).where(col("split").equalTo("Training")
        .and(col("error").isNull())).count();
    assertThat(reduce.fitRows()).isEqualTo(training);
    assertThat(reduce.fitOn()).isEqualTo("Training");
    assertThat(reduce.featureDimension()).isEqualTo(1280);
    assertThat(reduce.rowsWithoutFeatures()).isEqualTo(1);
    assertThat(reduce.k()).isEqualTo(reduce.k80());
    assertThat(reduce.varianceKept()).isGreaterThanOrEqualTo(0.8);
    assertThat(reduce.k80()).isLessThanOrEqualTo(reduce.k90());
    assertThat(reduce.k90()).isLessThanOrEqualTo(reduce.k95());
    assertThat(reduce.k95()).isLessThan((int) training);
    assertThat(reduce.study()).extracting(ReduceSummary.StudyPoint::size).containsExactly("20", "20", "all");
    assertThat(Path.of(reduce.provenance().output(), "explained-variance.csv")).exists();
    assertThat(Path.of(reduce.provenance().output(), "class-balance.csv")).content().contains("lemon,Training,,17");
  }

  @Test
  void badReduceRequestsFailClearly() {
    assertThatThrownBy(() -> new ReduceOptions(features, "x", 1.5, null, List.of(), 1, false))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ReduceJob(spark, ReduceOptions.builder(features, work.resolve("r2").toString())
        .k(5000).build(), JobProgress.SILENT).run())
        .isInstanceOf(FruitsException.class)
        .hasMessage("asked for 5000 components but the features have only 1280 dimensions");
    assertThatThrownBy(() -> new TrainJob(spark, TrainOptions.builder(features, work.resolve("m2").toString())
        .unseenSources(List.of("grocery")).build(), JobProgress.SILENT).run())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--unseen grocery: the table has no Training photos of that source (its sources: [");
  }

  @Test
  void anUnseenSourceNeedsTheScenesWhenTheTableHoldsThem() throws Exception {
    Path scenes = work.resolve("scenes-as-featurized/Training");
    TestImages.copyFirst(TestImages.fruitsDir().resolve("Training/Lemon"), scenes.resolve("Lemon"), 3);
    TestImages.copyFirst(TestImages.fruitsDir().resolve("Training/Kiwi"), scenes.resolve("Kiwi"), 3);
    String table = work.resolve("features-with-scenes").toString();
    new FeaturizeJob(spark, FeaturizeOptions.of(SynthesizeJob.SOURCE_NAME + "=" + scenes.getParent() + ","
        + work.resolve(NOT_FRUIT_SOURCE), table, TestImages.modelSpec("mobilenetv2")),
        ResolvedModel.resolve(TestImages.modelSpec("mobilenetv2")), false).run();

    assertThatThrownBy(() -> new TrainJob(spark, TrainOptions.builder(table, work.resolve("m3").toString())
        .unseenSources(List.of(NOT_FRUIT_SOURCE)).build(), JobProgress.SILENT).run())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--unseen needs --scenes (the synthesize output): the table holds synthetic scenes");
    assertThatThrownBy(() -> new TrainJob(spark, TrainOptions.builder(table, work.resolve("m4").toString())
        .unseenSources(List.of(NOT_FRUIT_SOURCE)).scenes(work.resolve("no-scenes").toString()).build(),
        JobProgress.SILENT).run())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith("no-scenes is no synthesize output (it has no scenes)");
  }

  @Test
  void anUnseenSourceLosesTheScenesThatShowItWhereverTheRunFolderNowLies() {
    String run = work.resolve("synthetic-copied").toString();
    String featurizedAt = "file:/elsewhere/synthetic/images/Training/";
    spark.createDataFrame(List.of(RowFactory.create(featurizedAt + "kiwi/000000.jpg", NOT_FRUIT_SOURCE),
            RowFactory.create(featurizedAt + "lemon/000001.jpg", "grocery-store")),
        new StructType().add("path", DataTypes.StringType).add("background_source", DataTypes.StringType))
        .write().parquet(HadoopFiles.child(run, RunFolder.SCENES));
    SynthesizeSummary summary = new SynthesizeSummary("synthesize", "", "fruits-360=/x", "", run, "", "pile", 1, 1, 2,
        2, 2, 2, 0, Map.of(), 1, Map.of(), 1);
    Summaries.write(HadoopFiles.child(run, RunFolder.SUMMARY), summary, spark.sparkContext().hadoopConfiguration());

    assertThat(TrainJob.scenesFrom(spark, run, NOT_FRUIT_SOURCE)).containsExactly("images/Training/kiwi/000000.jpg");
    assertThat(TrainJob.scenesFrom(spark, run, "fruits-360")).as("the studio the scenes were cut from")
        .containsExactlyInAnyOrder("images/Training/kiwi/000000.jpg", "images/Training/lemon/000001.jpg");
    assertThat(TrainJob.scenesFrom(spark, run, "another-source")).isEmpty();
    assertThat(TrainJob.scenesFrom(spark, null, "fruits-360")).isEmpty();
  }

  @Test
  void trainAnswersSpeciesAndTheBundleAgreesWithSpark() {
    String out = work.resolve("model").toString();
    TrainSummary summary = new TrainJob(spark, TrainOptions.builder(features, out).regParams(List.of(0.001, 0.01))
        .maxIter(60).unseenSources(List.of(NOT_FRUIT_SOURCE)).build(), JobProgress.SILENT).run();
    assertThat(summary.labels()).startsWith("kiwi", "lemon", "not-a-fruit", "plum", "strawberry");
    assertThat(summary.maxIter()).isEqualTo(60);
    // the BLAS the fits ran on, as this JVM resolves it (native where the machine has one)
    assertThat(summary.blas()).isEqualTo(SparkBlas.implementation()).isNotBlank();
    // the species the ImageNet head can name that no training photo shows come after the classifier's labels
    TrainSummary.PriorChoice prior = summary.imagenetPrior();
    assertThat(prior.zeroShot()).contains("banana", "apple").doesNotContain("lemon", "strawberry");
    assertThat(summary.labels().subList(5, summary.labels().size())).isEqualTo(prior.zeroShot());
    assertThat(prior.chosenOn()).isEqualTo("unseen");
    assertThat(prior.search()).extracting(TrainSummary.PriorPoint::beta).containsExactly(0.0, 0.1, 0.2, 0.3, 0.5, 1.0);
    TrainSummary.PriorPoint chosen = prior.search().stream().filter(p -> p.beta() == prior.beta()).findFirst()
        .orElseThrow();
    TrainSummary.PriorPoint none = prior.search().get(0);
    assertThat(chosen.admissible()).isTrue();
    assertThat(chosen.test()).isGreaterThanOrEqualTo(none.test() - 0.005);
    assertThat(chosen.unseen()).isGreaterThanOrEqualTo(none.unseen());
    // the head's veto: a limit for each fruit species with training photos, kept in the bundle
    assertThat(prior.headVeto().quantile()).isEqualTo(HeadVeto.DEFAULT_QUANTILE);
    assertThat(prior.headVeto().limits()).containsOnlyKeys("kiwi", "lemon", "plum", "strawberry")
        .allSatisfy((species, limit) -> assertThat(limit).isBetween(0.0, 1.0));
    assertThat(summary.search()).hasSize(2).allSatisfy(p -> assertThat(p.scoredOn()).isEqualTo("Validation"));
    TrainSummary.Scores test = summary.test().get("fruits-360");
    assertThat(test.fruitPhotos()).isEqualTo(FOLDERS.size() * 6);
    assertThat(test.unknownSpeciesPhotos()).isEqualTo(2); // the pears
    assertThat(test.speciesTop1()).isGreaterThanOrEqualTo(0.9);
    TrainSummary.Scores heldOut = summary.heldOut().get(NOT_FRUIT_SOURCE);
    assertThat(heldOut.notFruitPhotos()).isPositive();
    assertThat(heldOut.notFruitRefused()).isGreaterThanOrEqualTo(0.5);
    assertThat(summary.threshold()).isBetween(0.5, 1.0);
    // without any photo of no fruit the unseen model cannot answer "not a fruit": only its threshold refuses
    assertThat(summary.unseen().get(NOT_FRUIT_SOURCE).notFruitPhotos()).isEqualTo(40);
    assertThat(Path.of(out, "predictions.csv")).content().contains("held-out," + NOT_FRUIT_SOURCE + ",Validation,");
    assertThat(Path.of(out, "bundle", ConfidenceCalibration.FILE)).exists();

    ServingBundle bundle = ServingBundle.load(Path.of(out, "bundle"));
    assertThat(bundle.labels()).isEqualTo(summary.labels());
    assertThat(bundle.prior().veto()).isEqualTo(prior.headVeto());
    assertThat(Path.of(out, "predictions.csv")).content().startsWith("scored_as,").contains(",head_doubts\n");
    assertThat(ConfidenceCalibration.read(Path.of(out, "bundle"), bundle.version()))
        .hasValueSatisfying(c -> assertThat(c.threshold()).isEqualTo(summary.threshold()));
    PipelineModel classifier = PipelineModel.load(HadoopFiles.child(out, "spark-model"));
    Dataset<Row> test2 = FeatureVectors.vectors(spark.read().parquet(table(features)))
        .where(col("split").equalTo("Test")).withColumn(TrainJob.SAMPLE, col(FeatureVectors.VECTOR));
    List<Row> scored = classifier.transform(test2).select(FeatureTable.FEATURES, "probability").collectAsList();
    assertThat(scored).hasSize(FOLDERS.size() * 6 + 2);
    for (Row row : scored) {
      double[] expected = ((Vector) row.get(1)).toArray();
      double[] actual = bundle.probabilities(floats(row.getList(0)), null);
      for (int c = 0; c < expected.length; c++) {
        assertThat(actual[c]).isCloseTo(expected[c], within(1e-6));
      }
    }
  }

  /** Spark ML's distributed fit, which larger tables get, answers as the fit on the driver does. */
  @Test
  void sparkMlsFitAndTheDriversAgree() {
    Map<TrainOptions.FitOn, TrainSummary> summaries = new EnumMap<>(TrainOptions.FitOn.class);
    Map<TrainOptions.FitOn, List<String>> notes = new EnumMap<>(TrainOptions.FitOn.class);
    for (TrainOptions.FitOn fitOn : List.of(TrainOptions.FitOn.SPARK, TrainOptions.FitOn.DRIVER)) {
      List<String> said = new ArrayList<>();
      summaries.put(fitOn, new TrainJob(spark, TrainOptions.builder(features, work.resolve("fit-" + fitOn).toString())
          .regParams(List.of(0.01)).maxIter(60).fitOn(fitOn).build(),
          said::add).run());
      notes.put(fitOn, said);
    }
    assertThat(notes.get(TrainOptions.FitOn.SPARK)).noneMatch(n -> n.contains("driver"));
    assertThat(notes.get(TrainOptions.FitOn.DRIVER)).anyMatch(n -> n.contains("collected to the driver"));
    TrainSummary viaSpark = summaries.get(TrainOptions.FitOn.SPARK);
    TrainSummary onDriver = summaries.get(TrainOptions.FitOn.DRIVER);
    assertThat(onDriver.labels()).isEqualTo(viaSpark.labels());
    assertThat(onDriver.trainingSamples()).isEqualTo(viaSpark.trainingSamples());
    assertThat(onDriver.test().get("fruits-360").speciesTop1())
        .isCloseTo(viaSpark.test().get("fruits-360").speciesTop1(), within(0.05));
    assertThat(onDriver.heldOut().get(NOT_FRUIT_SOURCE).notFruitRefused())
        .isCloseTo(viaSpark.heldOut().get(NOT_FRUIT_SOURCE).notFruitRefused(), within(0.1));
  }

  /**
   * One preprocessing path: a photo gets the same features (and views) in serving as in the batch, and the app
   * answers from the mean of its views as the training scored it.
   */
  @Test
  void recognizerReproducesTheBatchFeaturesAndPredictions() throws Exception {
    String out = work.resolve("model-for-serving").toString();
    new TrainJob(spark, TrainOptions.builder(features, out).regParams(List.of(0.01)).maxIter(60).build(),
        JobProgress.SILENT).run();
    FruitRecognizer recognizer = FruitRecognizer.open(Path.of(out, "bundle"),
        new ModelResolver(ModelResolver.defaultCacheDir()), 1);
    List<Row> rows = spark.read().parquet(table(features)).where(col("split").equalTo("Test"))
        .collectAsList();
    for (Row row : rows) {
      byte[] photo = Files.readAllBytes(Path.of(java.net.URI.create(row.getAs("path"))));
      float[] batchFeatures = floats(row.getList(row.fieldIndex("features")));
      assertThat(recognizer.features(photo)).containsExactly(batchFeatures, within(1e-4f));
      float[] mean = ImageViews.mean(floats(row.getList(row.fieldIndex("view_features"))), batchFeatures.length);
      FruitRecognizer.Recognition answer = recognizer.recognize(photo, 3);
      assertThat(answer.top()).hasSize(3);
      float[] head = floats(row.getList(row.fieldIndex(FeatureTable.HEAD_LOGITS)));
      assertThat(head).hasSize(1000);
      double[] expected = recognizer.bundle().probabilities(mean, null, head);
      assertThat(expected).hasSize(recognizer.bundle().labels().size());
      for (int c = 0; c < expected.length; c++) {
        assertThat(answer.probabilities()[c]).isCloseTo(expected[c], within(1e-4));
      }
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
  void aTableWithoutSourcesIsRefused() throws Exception {
    String old = work.resolve("old-features").toString();
    spark.read().parquet(table(features)).drop(FeatureTable.VIEW_FEATURES).write()
        .parquet(table(old));
    Files.copy(Path.of(features, "model-spec.json"), Path.of(old, "model-spec.json"));
    assertThatThrownBy(() -> new TrainJob(spark, TrainOptions.of(old, work.resolve("m2").toString()),
        JobProgress.SILENT).run())
        .isInstanceOf(FruitsException.class)
        .hasMessageContaining("older version")
        .hasMessageContaining("--overwrite");
  }

  private static String table(String out) {
    return HadoopFiles.child(out, RunFolder.TABLE);
  }
}
