package com.fruits.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fruits.core.FruitsException;
import com.fruits.core.TestImages;
import com.fruits.core.featurize.InferenceDevice;
import com.fruits.core.featurize.OnnxFeaturizer;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.image.ImageViews;
import com.fruits.core.run.FeaturizeSummary;
import com.fruits.core.run.RunFolder;
import com.fruits.storage.HadoopFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkFiles;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The featurize job on a real local[2] Spark, over real shared photos and generated hostile files. */
class FeaturizeJobTest {
  private static SparkSession spark;
  private static ResolvedModel mobilenet;
  @TempDir static Path images;
  @TempDir Path work;
  private static List<String> unusual;
  private static List<String[]> broken;

  @BeforeAll
  static void start() throws Exception {
    ImageFolders.copyRealPhotos(images);
    unusual = ImageFolders.writeUnusual(images);
    broken = ImageFolders.writeBroken(images);
    mobilenet = ResolvedModel.resolve(TestImages.modelSpec("mobilenetv2"));
    spark = SparkSession.builder().master("local[2]").appName("featurize-test")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "4").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private FeaturizeOptions options(String out) {
    return FeaturizeOptions.of(images.toString(), out, TestImages.modelSpec("mobilenetv2"));
  }

  private FeaturizeSummary run(FeaturizeOptions options) {
    return new FeaturizeJob(spark, options, mobilenet, false).run();
  }

  @Test
  void featurizesRealUnusualAndBrokenImagesWithoutFailing() {
    String out = work.resolve("features").toString();
    FeaturizeSummary summary = run(options(out));

    int real = ImageFolders.REAL_LABELS.size() * (ImageFolders.TRAINING_PER_LABEL + ImageFolders.TEST_PER_LABEL);
    int expected = real + unusual.size() + broken.size();
    assertThat(ImageListing.list(spark, images.toString()).select("file").as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList()).contains("phone-photo.JPG", "empty.jpg", "bomb.png", "gray16.png");
    assertThat(summary.imagesListed()).isEqualTo(expected);
    assertThat(summary.imagesFeaturized()).isEqualTo(real + unusual.size());
    assertThat(summary.imagesFailed()).isEqualTo(broken.size());
    assertThat(summary.failuresByReason())
        .containsOnly(Map.entry("corrupt", 1L), Map.entry("empty_file", 1L), Map.entry("not_an_image", 1L),
            Map.entry("too_large", 1L), Map.entry("too_costly", 1L));
    assertThat(summary.featureDimension()).isEqualTo(1280);
    assertThat(summary.tableRows()).isEqualTo(expected);
    assertThat(summary.device()).isEqualTo("auto");
    assertThat(summary.batchSize()).isEqualTo(InferenceDevice.CPU_BATCH_SIZE);
    assertThat(summary.inferenceProviders()).containsExactly("cpu");
    assertThat(Path.of(out, "summary.json")).exists();
    assertThat(Path.of(out, "model-spec.json")).exists();

    Dataset<Row> table = spark.read().parquet(table(out));
    assertThat(table.columns()).containsExactly(FeatureTable.SCHEMA.fieldNames());
    assertThat(FeatureTable.FLOAT_ARRAYS).containsExactly(FeatureTable.FEATURES, FeatureTable.VIEW_FEATURES,
        FeatureTable.HEAD_LOGITS);
    List<Row> rows = table.collectAsList();
    assertThat(rows).hasSize(expected);
    Map<String, Row> byFile = new HashMap<>();
    rows.forEach(r -> byFile.put(r.<String>getAs("label") + "/" + r.<String>getAs("file"), r));
    for (String label : ImageFolders.REAL_LABELS) {
      assertThat(rows.stream().filter(r -> label.equals(r.getAs("label")) && "Training".equals(r.getAs("split"))))
          .hasSize(ImageFolders.TRAINING_PER_LABEL);
      assertThat(rows.stream().filter(r -> label.equals(r.getAs("label")) && "Test".equals(r.getAs("split"))))
          .hasSize(ImageFolders.TEST_PER_LABEL);
    }
    for (String file : unusual) {
      Row row = byFile.get("Unusual/" + file);
      assertThat(row).as(file).isNotNull();
      assertThat(row.<String>getAs("error")).as(file).isNull();
      assertThat(row.getList(row.fieldIndex("features"))).as(file).hasSize(1280);
    }
    for (String[] bad : broken) {
      Row row = byFile.get("Broken/" + bad[0]);
      assertThat(row.isNullAt(row.fieldIndex("features"))).as(bad[0]).isTrue();
      assertThat(row.isNullAt(row.fieldIndex(FeatureTable.HEAD_LOGITS))).as(bad[0]).isTrue();
      assertThat(row.<String>getAs("error")).as(bad[0]).startsWith(bad[1] + ": ");
    }
    assertThat(byFile).doesNotContainKeys("Broken/readme.txt", "Broken/animation.gif");
    Row any = rows.get(0);
    assertThat(any.<String>getAs("model")).isEqualTo("mobilenetv2-imagenet");
    assertThat(any.<String>getAs("spec_hash")).isEqualTo(mobilenet.spec().hash());
    assertThat(any.<String>getAs("run_id")).isEqualTo(summary.runId());
  }

  @Test
  void exifRotatedPhotoGetsTheFeaturesOfTheUprightPhoto() {
    String out = work.resolve("exif").toString();
    run(options(out));
    List<Row> rows = spark.read().parquet(table(out))
        .where(col("file").isin("exif-rotated.jpg", "alpha.png")).collectAsList();
    Row rotated = rows.stream().filter(r -> r.getAs("file").equals("exif-rotated.jpg")).findFirst().orElseThrow();
    Row upright = rows.stream().filter(r -> r.getAs("file").equals("alpha.png")).findFirst().orElseThrow();
    double similarity = cosine(rotated.getList(rotated.fieldIndex("features")), upright.getList(upright.fieldIndex("features")));
    assertThat(similarity).isGreaterThan(0.95);
  }

  static double cosine(List<Float> a, List<Float> b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.size(); i++) {
      dot += a.get(i) * b.get(i);
      na += a.get(i) * a.get(i);
      nb += b.get(i) * b.get(i);
    }
    return dot / Math.sqrt(na * nb);
  }

  @Test
  void resumeDoesNoInferenceWhenNothingIsNewAndOnlyTheNewImagesOtherwise() throws Exception {
    Path folder = work.resolve("growing");
    TestImages.copyFirst(TestImages.fruitsDir().resolve("Training/Plum"), folder.resolve("Training/Plum"), 6);
    String out = work.resolve("resumed").toString();
    FeaturizeOptions first = FeaturizeOptions.of(folder.toString(), out, TestImages.modelSpec("mobilenetv2"));
    assertThat(run(first).imagesFeaturized()).isEqualTo(6);

    long inferredBefore = OnnxFeaturizer.imagesInferred();
    FeaturizeSummary again = run(first.withExisting(false, true));
    assertThat(OnnxFeaturizer.imagesInferred()).isEqualTo(inferredBefore);
    assertThat(again.imagesProcessed()).isZero();
    assertThat(again.imagesAlreadyInOutput()).isEqualTo(6);
    assertThat(again.tableRows()).isEqualTo(6);

    TestImages.copyFirst(TestImages.fruitsDir().resolve("Test/Plum"), folder.resolve("Test/Plum"), 2);
    FeaturizeSummary grown = run(first.withExisting(false, true));
    // photos outside the Training split are featurized with every view
    assertThat(OnnxFeaturizer.imagesInferred()).isEqualTo(inferredBefore + 2 * ImageViews.COUNT);
    assertThat(grown.imagesFeaturized()).isEqualTo(2);
    assertThat(grown.tableRows()).isEqualTo(8);
    assertThat(spark.read().parquet(table(out)).select("path").distinct().count()).isEqualTo(8);

    // a photo replaced in place (new modification time): featurized again, and its new row supersedes the old one
    Path replaced;
    try (var photos = Files.list(folder.resolve("Training/Plum"))) {
      replaced = photos.sorted().findFirst().orElseThrow();
    }
    Files.setLastModifiedTime(replaced, FileTime.from(Instant.now().plusSeconds(60)));
    FeaturizeSummary touched = run(first.withExisting(false, true));
    assertThat(OnnxFeaturizer.imagesInferred()).isEqualTo(inferredBefore + 2 * ImageViews.COUNT + 1);
    assertThat(touched.imagesFeaturized()).isEqualTo(1);
    assertThat(touched.tableRows()).isEqualTo(8);
    Dataset<Row> current = FeatureTable.current(spark.read().parquet(table(out)));
    assertThat(current.count()).isEqualTo(8);
    assertThat(current.where(col("path").endsWith("/" + replaced.getFileName())).select("run_id").as(Encoders.STRING())
        .collectAsList()).containsExactly(touched.runId());
    assertThat(spark.read().parquet(table(out)).count()).as("superseded row still stored").isEqualTo(9);
    assertThat(touched.supersededRowsDropped()).isZero();

    // --compact: the stored table loses the superseded row and nothing else; a second compaction has nothing to do
    List<Row> before = current.orderBy("path").collectAsList();
    FeaturizeSummary compacted = run(first.withExisting(false, true).withCompaction(true));
    assertThat(OnnxFeaturizer.imagesInferred()).isEqualTo(inferredBefore + 2 * ImageViews.COUNT + 1);
    assertThat(compacted.supersededRowsDropped()).isEqualTo(1);
    assertThat(compacted.tableRows()).isEqualTo(8);
    Dataset<Row> stored = spark.read().parquet(table(out));
    assertThat(stored.orderBy("path").collectAsList()).isEqualTo(before);
    try (var siblings = Files.list(Path.of(out))) {
      assertThat(siblings.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("table."));
    }
    assertThat(run(first.withExisting(false, true).withCompaction(true)).supersededRowsDropped()).isZero();
    assertThatThrownBy(() -> first.withCompaction(true)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--resume");

    // a table written before the ImageNet logits column existed: resuming would mix rows with and without them
    spark.read().parquet(table(out)).write().parquet(out + "-copy");
    replaceTable(out, spark.read().parquet(out + "-copy").drop(FeatureTable.HEAD_LOGITS));
    assertThatThrownBy(() -> run(first.withExisting(false, true))).isInstanceOf(FruitsException.class)
        .hasMessage("output " + out + " was written by an older version, without the imagenet_logits column; "
            + "featurize it again with --overwrite");
  }

  private static void replaceTable(String out, Dataset<Row> rows) {
    String staging = table(out) + ".staging";
    rows.write().mode("overwrite").parquet(staging);
    HadoopFiles.delete(table(out), spark.sparkContext().hadoopConfiguration());
    HadoopFiles.rename(staging, table(out), spark.sparkContext().hadoopConfiguration());
  }

  @Test
  void squeezenetSpecYieldsThousandDimensionalFeatures() throws Exception {
    Path folder = work.resolve("small");
    TestImages.copyFirst(TestImages.fruitsDir().resolve("Test/Strawberry"), folder.resolve("Test/Strawberry"), 3);
    ResolvedModel squeezenet = ResolvedModel.resolve(TestImages.modelSpec("squeezenet"));
    String out = work.resolve("squeeze").toString();
    List<String> notes = new java.util.ArrayList<>();
    FeaturizeSummary summary = new FeaturizeJob(spark,
        FeaturizeOptions.builder(folder.toString(), out, TestImages.modelSpec("squeezenet"))
            .device(InferenceDevice.CUDA).build(), squeezenet, false, notes::add).run();
    assertThat(summary.featureDimension()).isEqualTo(1000);
    assertThat(summary.batchSize()).isEqualTo(1);
    // the tests' build is ONNX Runtime's CPU one: CUDA asked for runs on the CPU, saying why before and in the summary
    assertThat(summary.device()).isEqualTo("cuda");
    assertThat(summary.inferenceProviders())
        .containsExactly("cpu (this ONNX Runtime build has no CUDA execution provider)");
    assertThat(notes).contains(InferenceDevice.CUDA.buildNote());

    // another spec may not append to it: told by the spec file beside the table, or by the rows without it
    FeaturizeOptions mobilenetOnTop = FeaturizeOptions.builder(folder.toString(), out,
        TestImages.modelSpec("mobilenetv2")).resume(true).build();
    assertThatThrownBy(() -> run(mobilenetOnTop)).isInstanceOf(FruitsException.class)
        .hasMessageContaining("holds features of another model spec (" + squeezenet.spec().hash().substring(0, 12));
    Files.delete(Path.of(HadoopFiles.child(out, RunFolder.MODEL_SPEC)));
    assertThatThrownBy(() -> run(mobilenetOnTop)).isInstanceOf(FruitsException.class)
        .hasMessageContaining("holds features of another model spec (" + squeezenet.spec().hash().substring(0, 12));
    assertThat(summary.imagesFeaturized()).isEqualTo(3);
    Row row = spark.read().parquet(table(out)).first();
    assertThat(row.getList(row.fieldIndex("features"))).hasSize(1000);
  }

  @Test
  void theShippedModelLandsInSparksFilesFolderOncePerFolder() throws Exception {
    ShippedModel shipped = ShippedModel.ship(spark, mobilenet.modelFile());
    try {
      Path local = shipped.localFile();
      assertThat(local).startsWith(Path.of(SparkFiles.getRootDirectory()).toAbsolutePath());
      assertThat(Files.mismatch(local, mobilenet.modelFile())).isEqualTo(-1L);
      assertThat(shipped.localFile()).isSameAs(local);
    } finally {
      shipped.release();
    }
  }

  @Test
  void aFreshRunSpreadsTheListingRoundRobinWithoutAShuffle() {
    List<Row> listing = ImageListing.rows(spark, images.toString());
    Dataset<Row> distributed = ImageListing.distribute(spark, listing, 4);
    assertThat(distributed.rdd().getNumPartitions()).isEqualTo(4);
    assertThat(distributed.queryExecution().executedPlan().toString()).doesNotContain("Exchange");
    List<List<String>> partitions = distributed.select(FeatureTable.PATH).as(Encoders.STRING()).javaRDD().glom()
        .collect();
    for (int p = 0; p < 4; p++) {
      List<String> expected = new java.util.ArrayList<>();
      for (int i = p; i < listing.size(); i += 4) {
        expected.add(listing.get(i).getString(0));
      }
      assertThat(partitions.get(p)).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void partitionsHoldAboutTwoThousandImagesAndEveryCoreGetsTwo() {
    assertThat(FeaturizeJob.defaultPartitions(4_000, 2)).isEqualTo(4);
    assertThat(FeaturizeJob.defaultPartitions(8_000, 2)).isEqualTo(4);
    assertThat(FeaturizeJob.defaultPartitions(19_680, 2)).isEqualTo(10);
    assertThat(FeaturizeJob.defaultPartitions(19_680, 64)).isEqualTo(128);
    assertThat(FeaturizeJob.defaultPartitions(3, 8)).isEqualTo(3);
    assertThat(FeaturizeJob.defaultPartitions(0, 2)).isEqualTo(1);
  }

  @Test
  void sampleOptionsPickAStratifiedReproducibleSubset() {
    FeaturizeOptions sampled = options(work.resolve("sampled").toString()).withSampling(null, 2, 7);
    FeaturizeSummary summary = run(sampled);
    assertThat(summary.imagesListed()).isGreaterThan(20);
    // Lemon, Kiwi, Strawberry, Unusual, Broken: two each
    assertThat(summary.imagesSelected()).isEqualTo(10);
    assertThat(spark.read().parquet(table(sampled.out())).groupBy("label").count().collectAsList())
        .allSatisfy(r -> assertThat(r.getLong(1)).isEqualTo(2));
  }

  @Test
  void badLocationsFailWithOneClearLine() throws Exception {
    assertThatThrownBy(() -> run(FeaturizeOptions.of("/no/such/folder", work.resolve("x").toString(),
        TestImages.modelSpec("mobilenetv2"))))
        .isInstanceOf(FruitsException.class).hasMessage("input path does not exist: /no/such/folder");

    Path empty = Files.createDirectories(work.resolve("empty/Training/Lemon"));
    Files.writeString(empty.resolve("notes.txt"), "no images here");
    assertThatThrownBy(() -> run(FeaturizeOptions.of(work.resolve("empty").toString(), work.resolve("y").toString(),
        TestImages.modelSpec("mobilenetv2"))))
        .isInstanceOf(FruitsException.class).hasMessageStartingWith("no JPEG or PNG images under ");

    Path file = Files.writeString(work.resolve("a-file"), "x");
    assertThatThrownBy(() -> run(options(file.resolve("out").toString())))
        .isInstanceOf(FruitsException.class).hasMessageStartingWith("cannot write to output " + file.resolve("out"));

    Path existing = Files.createDirectories(work.resolve("existing"));
    Files.writeString(existing.resolve("something"), "x");
    assertThatThrownBy(() -> run(options(existing.toString())))
        .isInstanceOf(FruitsException.class)
        .hasMessage("output " + existing + " already exists; pass --overwrite to replace it or --resume to add only new images");
  }

  private static String table(String out) {
    return HadoopFiles.child(out, RunFolder.TABLE);
  }
}
