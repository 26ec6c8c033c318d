package com.fruits.spark;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reproducible samples stratified by label: images are ranked within their label by a seeded hash of their path,
 * and each label keeps its first {@code quota} images. Only the per-label counts reach the driver.
 */
public final class StratifiedSampler {
  private static final String RANK = "_rank";
  private static final String QUOTA = "_quota";

  private StratifiedSampler() {}

  /** At most {@code perClass} images of each label. */
  public static Dataset<Row> perClass(Dataset<Row> images, int perClass, long seed) {
    return ranked(images, seed).where(col(RANK).leq(perClass)).drop(RANK);
  }

  /**
   * {@code total} images (or all, if fewer), each label keeping its share of the input, rounded by largest
   * remainder so the quotas add up exactly.
   */
  public static Dataset<Row> total(Dataset<Row> images, int total, long seed) {
    List<Row> counts = images.groupBy(FeatureTable.LABEL).count().collectAsList();
    long all = counts.stream().mapToLong(r -> r.getLong(1)).sum();
    if (total >= all) {
      return images;
    }
    record Share(String label, long count, long quota, double remainder) {}
    List<Share> shares = new ArrayList<>();
    long assigned = 0;
    for (Row r : counts) {
      double exact = (double) total * r.getLong(1) / all;
      long quota = (long) Math.floor(exact);
      shares.add(new Share(r.getString(0), r.getLong(1), quota, exact - quota));
      assigned += quota;
    }
    shares.sort(Comparator.comparingDouble(Share::remainder).reversed()
        .thenComparing(Share::label, Comparator.nullsFirst(Comparator.naturalOrder())));
    List<Row> quotas = new ArrayList<>();
    for (int i = 0; i < shares.size(); i++) {
      Share s = shares.get(i);
      quotas.add(RowFactory.create(s.label(), s.quota() + (i < total - assigned ? 1 : 0)));
    }
    SparkSession spark = images.sparkSession();
    StructType schema = new StructType().add(FeatureTable.LABEL, DataTypes.StringType).add(QUOTA, DataTypes.LongType);
    Dataset<Row> quotaTable = spark.createDataFrame(quotas, schema);
    return ranked(images, seed)
        .join(broadcast(quotaTable),
            images.col(FeatureTable.LABEL).eqNullSafe(quotaTable.col(FeatureTable.LABEL)))
        .where(col(RANK).leq(col(QUOTA)))
        .select(Arrays.stream(images.columns()).map(images::col).toArray(Column[]::new));
  }

  private static Dataset<Row> ranked(Dataset<Row> images, long seed) {
    return images.withColumn(RANK, row_number().over(
        Window.partitionBy(FeatureTable.LABEL).orderBy(xxhash64(col(FeatureTable.PATH), lit(seed)), col(FeatureTable.PATH))));
  }
}
