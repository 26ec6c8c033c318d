package com.fruits.spark.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.TestImages;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.run.FeaturizeSummary;
import com.fruits.core.run.RunFolder;
import com.fruits.spark.FeatureTable;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.FeaturizeOptions;
import com.fruits.spark.ImageFolders;
import com.fruits.storage.HadoopFiles;
import com.fruits.storage.LoopbackS3;
import com.fruits.storage.ObjectTransfer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Featurize reading photos from and writing the table to a real S3 server, compared with the local-disk run. */
class S3FeaturizeTest {
  @TempDir Path photos;
  @TempDir Path work;

  @Test
  void featurizesFromAndToABucketExactlyAsFromLocalDisk() throws Exception {
    ImageFolders.copyRealPhotos(photos);
    try (LoopbackS3 s3 = new LoopbackS3()) {
      s3.createBucket("fruits");
      ObjectTransfer.copy(photos.toString(), "s3a://fruits/images", s3.configuration(LoopbackS3.ACCESS_KEY,
          LoopbackS3.SECRET_KEY), 4);
      SparkSession.Builder builder = SparkSession.builder().master("local[2]").appName("s3-featurize-test")
          .config("spark.ui.enabled", "false");
      s3.settings(LoopbackS3.ACCESS_KEY, LoopbackS3.SECRET_KEY)
          .forEach((key, value) -> builder.config("spark.hadoop." + key, value));
      SparkSession spark = builder.getOrCreate();
      try {
        ResolvedModel model = ResolvedModel.resolve(TestImages.modelSpec("mobilenetv2"));
        Path spec = TestImages.modelSpec("mobilenetv2");
        FeaturizeSummary remote = new FeaturizeJob(spark,
            FeaturizeOptions.of("s3a://fruits/images", "s3a://fruits/features", spec), model, false).run();
        FeaturizeSummary local = new FeaturizeJob(spark,
            FeaturizeOptions.of(photos.toString(), work.resolve("features").toString(), spec), model, false).run();
        assertThat(remote.imagesFeaturized()).isEqualTo(local.imagesFeaturized()).isPositive();
        assertThat(remote.imagesFailed()).isEqualTo(local.imagesFailed()).isZero();

        Map<String, List<Float>> fromBucket = features(spark, table("s3a://fruits/features"));
        Map<String, List<Float>> fromDisk = features(spark, table(work.resolve("features").toString()));
        assertThat(fromBucket).hasSize((int) local.imagesFeaturized()).isEqualTo(fromDisk);
        assertThat(HadoopFiles.exists("s3a://fruits/features/summary.json",
            spark.sparkContext().hadoopConfiguration())).isTrue();
        String summary = HadoopFiles.readString("s3a://fruits/features/summary.json",
            spark.sparkContext().hadoopConfiguration());
        assertThat(summary).doesNotContain(LoopbackS3.SECRET_KEY, LoopbackS3.ACCESS_KEY);
      } finally {
        spark.stop();
      }
    }
  }

  /** label/file → features, so rows from s3a:// and file: paths line up. */
  private static Map<String, List<Float>> features(SparkSession spark, String table) {
    Map<String, List<Float>> byName = new TreeMap<>();
    for (Row row : spark.read().parquet(table).select(FeatureTable.LABEL, FeatureTable.FILE, FeatureTable.FEATURES)
        .collectAsList()) {
      byName.put(row.getString(0) + "/" + row.getString(1), row.getList(2));
    }
    return byName;
  }

  private static String table(String out) {
    return HadoopFiles.child(out, RunFolder.TABLE);
  }
}
