package com.fruits.spark.ml;

import static org.apache.spark.sql.functions.col;

import com.fruits.core.FruitsException;
import com.fruits.core.run.RunFolder;
import com.fruits.spark.FeatureTable;
import com.fruits.storage.HadoopFiles;
import java.util.List;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Reads a featurize output as Spark ML vectors, and remembers which model spec produced it. */
public final class FeatureVectors {
  public static final String VECTOR = "vector";
  public static final String TRAINING = "Training";
  public static final String TEST = "Test";

  private FeatureVectors() {}

  /** The feature table, one row per image as of its latest run (failed images included). */
  public static Dataset<Row> table(SparkSession spark, String features) {
    String table = HadoopFiles.child(features, RunFolder.TABLE);
    if (!HadoopFiles.exists(table, spark.sparkContext().hadoopConfiguration())) {
      throw new FruitsException("no feature table at " + table + " (run `fruits featurize` first)");
    }
    return FeatureTable.current(spark.read().parquet(table));
  }

  /** Rows with features, with a {@value #VECTOR} column (ML dense vector). */
  public static Dataset<Row> vectors(Dataset<Row> table) {
    return table.where(col(FeatureTable.FEATURES).isNotNull())
        .withColumn(VECTOR, functions.array_to_vector(col(FeatureTable.FEATURES)));
  }

  /** The single spec hash of a feature table; mixed tables are refused. */
  public static String specHash(Dataset<Row> table) {
    List<String> hashes = table.select(FeatureTable.SPEC_HASH).distinct().as(Encoders.STRING()).collectAsList();
    if (hashes.size() != 1) {
      throw new FruitsException("the feature table mixes " + hashes.size() + " model specs; featurize again with --overwrite");
    }
    return hashes.get(0);
  }

  /** The rows of {@code rows} whose path is the first field of one of {@code keep} (a small, sampled list). */
  public static Dataset<Row> restrictTo(Dataset<Row> rows, List<Row> keep) {
    List<String> paths = keep.stream().map(r -> r.getString(0)).distinct().toList();
    Dataset<Row> chosen = rows.sparkSession().createDataset(paths, Encoders.STRING()).toDF(FeatureTable.PATH);
    return rows.join(org.apache.spark.sql.functions.broadcast(chosen), FeatureTable.PATH);
  }
}
