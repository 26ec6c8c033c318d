package com.fruits.spark;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import com.fruits.core.FruitsException;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The layout of a featurize output folder and the schema of its table.
 *
 * <pre>
 * &lt;out&gt;/table/            Parquet: one row per image and run (features or error); see {@link #current}
 * &lt;out&gt;/model-spec.json    the spec the features were computed with
 * &lt;out&gt;/taxonomy.csv       the taxonomy the species and varieties come from
 * &lt;out&gt;/summary.json       the last run's summary; &lt;out&gt;/runs/&lt;run id&gt;.json keeps every run's
 * </pre>
 */
public final class FeatureTable {
  public static final String PATH = "path";
  public static final String LABEL = "label";
  public static final String FILE = "file";
  public static final String SPLIT = "split";
  public static final String ROTATION = "rotation";
  public static final String BYTES = "bytes";
  public static final String MODIFIED = "modification_time";
  /** The {@link com.fruits.core.dataset.ImageSource} the photo was listed from. */
  public static final String SOURCE = "source";
  /** The photo's {@link com.fruits.core.taxonomy.Taxon}: species (or not-a-fruit) and variety (null: not known). */
  public static final String SPECIES = "species";
  public static final String VARIETY = "variety";
  /**
   * The features of the photo's {@link com.fruits.core.image.ImageViews views} one after the other (view 0, the
   * whole photo, equals {@link #FEATURES}); null where the run computed only the whole photo.
   */
  public static final String VIEW_FEATURES = "view_features";
  public static final String FEATURES = "features";
  /**
   * The backbone's ImageNet logits of the photo (the mean over its views when it has them), or null when the model
   * spec names no {@linkplain com.fruits.core.model.OutputSpec#head head}: the input of the classifier's
   * {@link com.fruits.core.serving.ImageNetPrior}.
   */
  public static final String HEAD_LOGITS = "imagenet_logits";
  public static final String ERROR = "error";
  public static final String MODEL = "model";
  public static final String SPEC_HASH = "spec_hash";
  public static final String RUN_ID = "run_id";

  /** Columns describing an image, as produced by {@link ImageListing}. */
  public static final StructType LISTING_SCHEMA = new StructType()
      .add(PATH, DataTypes.StringType, false)
      .add(LABEL, DataTypes.StringType, true)
      .add(FILE, DataTypes.StringType, false)
      .add(SPLIT, DataTypes.StringType, true)
      .add(ROTATION, DataTypes.StringType, true)
      .add(BYTES, DataTypes.LongType, false)
      .add(MODIFIED, DataTypes.TimestampType, false)
      .add(SOURCE, DataTypes.StringType, false)
      .add(SPECIES, DataTypes.StringType, true)
      .add(VARIETY, DataTypes.StringType, true);

  /**
   * The feature table: the listing columns, then features, view features and ImageNet logits (null on error),
   * error, and provenance. (Tables written by earlier versions also hold a {@code color} histogram a photo, which no
   * classifier reads any more; the rows a resumed run adds to such a table have none.)
   */
  public static final StructType SCHEMA = LISTING_SCHEMA
      .add(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), true)
      .add(VIEW_FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), true)
      .add(HEAD_LOGITS, DataTypes.createArrayType(DataTypes.FloatType, false), true)
      .add(ERROR, DataTypes.StringType, true)
      .add(MODEL, DataTypes.StringType, false)
      .add(SPEC_HASH, DataTypes.StringType, false)
      .add(RUN_ID, DataTypes.StringType, false);

  /** The columns of {@link #SCHEMA} that hold arrays of floats. */
  public static final List<String> FLOAT_ARRAYS = Arrays.stream(SCHEMA.fields())
      .filter(field -> field.dataType() instanceof ArrayType array && array.elementType() == DataTypes.FloatType)
      .map(StructField::name).toList();

  private FeatureTable() {}

  /**
   * One row per image path: the one the latest run wrote. A resumed run featurizes an image again when its size or
   * modification time changed, and appends the new row; the older row stays in the Parquet files and is left out
   * here. Every reader of a feature table goes through this.
   */
  public static Dataset<Row> current(Dataset<Row> table) {
    return supersededRows(table) == 0 ? table : withoutSuperseded(table);
  }

  /** How many rows of {@code table} a later run of the same image superseded (one pass over the path column). */
  static long supersededRows(Dataset<Row> table) {
    Row counts = table.select(PATH).agg(count(lit(1)), countDistinct(col(PATH))).first();
    return counts.getLong(0) - counts.getLong(1);
  }

  /** {@code table} without its superseded rows; {@link #current} skips this join when there are none. */
  static Dataset<Row> withoutSuperseded(Dataset<Row> table) {
    // only the two key columns are read and shuffled; the features never move
    Dataset<Row> keys = table.select(PATH, RUN_ID);
    Dataset<Row> superseded = keys.join(keys.groupBy(PATH).agg(max(RUN_ID).as("latest_run")), PATH)
        .where(col(RUN_ID).notEqual(col("latest_run")))
        .select(col(PATH).as("superseded_path"), col(RUN_ID).as("superseded_run"));
    return table.join(broadcast(superseded), table.col(PATH).equalTo(col("superseded_path"))
        .and(table.col(RUN_ID).equalTo(col("superseded_run"))), "left_anti");
  }

  /**
   * Refuses a table that lacks one of {@code columns}: an older version wrote it. {@code where} names the table and
   * {@code remedy} ends the message.
   */
  public static void requireColumns(Dataset<Row> table, String where, String remedy, String... columns) {
    List<String> present = Arrays.asList(table.columns());
    for (String c : columns) {
      if (!present.contains(c)) {
        throw new FruitsException(where + " was written by an older version, without the " + c + " column; "
            + remedy);
      }
    }
  }

}
