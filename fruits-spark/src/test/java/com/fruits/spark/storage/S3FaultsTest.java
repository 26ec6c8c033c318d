package com.fruits.spark.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.TestImages;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.run.RunFolder;
import com.fruits.spark.FeatureTable;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.FeaturizeOptions;
import com.fruits.storage.HadoopFiles;
import com.fruits.storage.LoopbackS3;
import com.fruits.storage.ObjectTransfer;
import com.fruits.storage.StorageErrors;
import com.fruits.storage.StorageSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Featurize while the S3 server goes away: whatever the run did, a {@code --resume} ends with every photo in the table
 * exactly once, featurized; and a job whose writes fail leaves no partial table behind (the S3A magic committer).
 */
class S3FaultsTest {
  // enough photos that the store stops while most tasks are still to write
  private static final int PHOTOS_PER_LABEL = 60;
  private static final List<String> LABELS = List.of("Apple Red 1", "Cherry", "Kiwi", "Lemon", "Orange",
      "Strawberry");

  @TempDir
  static Path photos;

  static LoopbackS3 s3;
  static SparkSession spark;
  static ResolvedModel model;
  static Path spec;
  static int photoCount;

  @BeforeAll
  static void start() throws Exception {
    for (String label : LABELS) {
      photoCount += TestImages.copyFirst(TestImages.fruitsDir().resolve("Training").resolve(label),
          photos.resolve("Training").resolve(label), PHOTOS_PER_LABEL);
    }
    s3 = new LoopbackS3();
    // tasks may be retried (local[2,4]); S3A gives up quickly, so an outage fails tasks instead of stalling them
    SparkSession.Builder builder = SparkSession.builder().master("local[2,4]").appName("s3-faults-test")
        .config("spark.ui.enabled", "false");
    s3.settings(LoopbackS3.ACCESS_KEY, LoopbackS3.SECRET_KEY)
        .forEach((key, value) -> builder.config("spark.hadoop." + key, value));
    StorageSettings.committers("magic").forEach(builder::config);
    builder.config("spark.hadoop.fs.s3a.retry.limit", "1").config("spark.hadoop.fs.s3a.retry.interval", "100ms")
        .config("spark.hadoop.fs.s3a.attempts.maximum", "1")
        .config("spark.hadoop.fs.s3a.connection.establish.timeout", "1s")
        .config("spark.hadoop.fs.s3a.connection.timeout", "2s");
    spark = builder.getOrCreate();
    spec = TestImages.modelSpec("mobilenetv2");
    model = ResolvedModel.resolve(spec);
  }

  @AfterAll
  static void stop() throws Exception {
    if (spark != null) {
      spark.stop();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  private static Configuration conf() {
    return spark.sparkContext().hadoopConfiguration();
  }

  private static FeaturizeOptions options(String images, String out, boolean resume) {
    return FeaturizeOptions.of(images, out, spec).withExisting(false, resume).withExecution(8, 1, 12);
  }

  /** Runs featurize; returns the line the command line prints for its failure, or null when it finished. */
  private static String featurize(FeaturizeOptions options) {
    try {
      new FeaturizeJob(spark, options, model, false).run();
      return null;
    } catch (Exception e) { // Spark's job failures arrive as its checked SparkException
      return StorageErrors.recognize(options.out(), e).map(Exception::getMessage)
          .orElseThrow(() -> new AssertionError("not recognised as a storage failure", e));
    }
  }

  /** Stops the S3 server as soon as the first task has written its file (a pending upload under __magic). */
  private static CompletableFuture<Void> outageOnceWritingStarts(String bucket, long downMillis) {
    return CompletableFuture.runAsync(() -> {
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!writing(bucket) && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        s3.stop();
        Thread.sleep(downMillis);
        s3.restart();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  private static boolean writing(String bucket) {
    for (StorageMetadata blob : s3.blobStore().list(bucket, ListContainerOptions.Builder.recursive())) {
      if (blob.getName().contains("__magic")) {
        return true;
      }
    }
    return false;
  }

  private static void assertEveryPhotoOnceAndFeaturized(String out) {
    Dataset<Row> table = FeatureTable.current(spark.read().parquet(HadoopFiles.child(out, RunFolder.TABLE)));
    assertThat(table.count()).isEqualTo(photoCount);
    assertThat(table.select(FeatureTable.PATH).distinct().count()).isEqualTo(photoCount);
    assertThat(table.where(table.col(FeatureTable.ERROR).isNotNull()).count()).isZero();
  }

  @Test
  void anOutageMidRunEndsWithEveryPhotoOnceAfterAResume() throws Exception {
    s3.createBucket("outage");
    ObjectTransfer.copy(photos.toString(), "s3a://outage/images", conf(), 4);
    CompletableFuture<Void> outage = outageOnceWritingStarts("outage", 3_000);
    String failure = featurize(options("s3a://outage/images", "s3a://outage/features", false));
    outage.get(3, TimeUnit.MINUTES);
    if (failure != null) {
      assertThat(failure).as("one readable line").doesNotContain("\n");
    }
    // photos the outage kept from being read are error rows (read_error): a resume reads them again
    String resumed = featurize(options("s3a://outage/images", "s3a://outage/features", true));
    assertThat(resumed).isNull();
    assertEveryPhotoOnceAndFeaturized("s3a://outage/features");
  }

  @Test
  void aJobWhoseWritesFailLeavesNoPartialTable() throws Exception {
    s3.createBucket("killed");
    CompletableFuture<Void> outage = outageOnceWritingStarts("killed", 15_000);
    String failure = featurize(options(photos.toString(), "s3a://killed/features", false));
    outage.get(3, TimeUnit.MINUTES);
    assertThat(failure).as("the job cannot finish while its store is gone").isNotNull().doesNotContain("\n");
    long visibleFiles = 0;
    for (StorageMetadata blob : s3.blobStore().list("killed", ListContainerOptions.Builder.recursive())) {
      if (blob.getName().endsWith(".parquet") && !blob.getName().contains("__magic")) {
        visibleFiles++;
      }
    }
    assertThat(visibleFiles).as("data files of the failed job visible in the table").isZero();
    assertThat(featurize(options(photos.toString(), "s3a://killed/features", true))).isNull();
    assertEveryPhotoOnceAndFeaturized("s3a://killed/features");
    assertThat(Files.exists(photos)).isTrue();
  }

  @Test
  void theCommitterIsChosenBySetting() {
    assertThat(StorageSettings.committers("magic")).containsEntry("spark.hadoop.fs.s3a.committer.name", "magic");
    assertThat(StorageSettings.committers("directory"))
        .containsEntry("spark.hadoop.fs.s3a.committer.name", "directory");
    assertThat(StorageSettings.committers("none")).isEmpty();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StorageSettings.committers("rename"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(StorageSettings.COMMITTER_SETTING);
  }
}
