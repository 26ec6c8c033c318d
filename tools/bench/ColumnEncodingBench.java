// What writing the feature table's float columns costs, as array<float> (the table's encoding) or as one
// little-endian binary value a column, apart from everything else featurize does (docs/benchmarks.md, "The feature
// columns' encoding"). Run from the repository root after a build (compiled first: Spark's tasks find their lambdas'
// classes by name, which Java's source-file mode keeps in memory only):
//
//   CP="fruits-cli/target/fruits-cli-0.1.0-SNAPSHOT.jar:$(cat fruits-cli/target/launcher.classpath):$(cat fruits-cli/target/launcher-runtime.classpath)"
//   javac -cp "$CP" -d target/column-bench tools/bench/ColumnEncodingBench.java
//   java $(cat fruits-cli/target/classes/fruits-jvm.opts) -cp "target/column-bench:$CP" ColumnEncodingBench \
//       ROWS ROUNDS OUT_DIR array,binary,none [FEATURE_FLOATS, default 1280; 10240 for a photo with its 7 views]
//
// Each round writes every kind once on local[1] (one task, one core) and prints wall and process CPU time a row;
// "none" makes the rows and writes nothing.
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import com.fruits.spark.FeatureTable;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.ForeachFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

public class ColumnEncodingBench {
  private static final int LOGITS = 1000;
  private static final List<String> KINDS = List.of("array", "binary", "none");

  public static void main(String[] args) {
    if (args.length < 4) {
      System.err.println("usage: ColumnEncodingBench ROWS ROUNDS OUT_DIR KINDS [FEATURE_FLOATS]");
      System.exit(2);
    }
    int rows = Integer.parseInt(args[0]);
    int rounds = Integer.parseInt(args[1]);
    String out = args[2];
    String[] kinds = args[3].split(",");
    for (String kind : kinds) {
      if (!KINDS.contains(kind)) {
        System.err.println("ColumnEncodingBench: kind '" + kind + "' is none of " + KINDS);
        System.exit(2);
      }
    }
    int featureFloats = args.length > 4 ? Integer.parseInt(args[4]) : 1280;
    SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false")
        .config("spark.sql.parquet.compression.codec", "zstd").getOrCreate();
    for (int round = 0; round < rounds; round++) {
      for (String kind : kinds) {
        boolean binary = kind.equals("binary");
        DataType floats = binary ? DataTypes.BinaryType : DataTypes.createArrayType(DataTypes.FloatType, false);
        StructType schema = new StructType().add(FeatureTable.PATH, DataTypes.StringType, false)
            .add(FeatureTable.FEATURES, floats, false).add(FeatureTable.HEAD_LOGITS, floats, false);
        MapPartitionsFunction<Long, Row> make = ids -> new Iterator<>() {
          private final SplittableRandom random = new SplittableRandom(7);

          @Override
          public boolean hasNext() {
            return ids.hasNext();
          }

          @Override
          public Row next() {
            long id = ids.next();
            float[] features = new float[featureFloats];
            float[] logits = new float[LOGITS];
            for (int i = 0; i < features.length; i++) {
              features[i] = (float) (random.nextDouble() * 3);
            }
            for (int i = 0; i < logits.length; i++) {
              logits[i] = (float) (random.nextGaussian() * 4);
            }
            String path = "file:/photos/" + id + ".jpg";
            return binary ? RowFactory.create(path, littleEndian(features), littleEndian(logits))
                : RowFactory.create(path, features, logits);
          }
        };
        Dataset<Row> table = spark.range(0, rows, 1, 1).as(Encoders.LONG()).mapPartitions(make, Encoders.row(schema));
        long cpu = processCpuNanos();
        long wall = System.nanoTime();
        if (kind.equals("none")) {
          table.foreach((ForeachFunction<Row>) row -> { });
        } else {
          // no dictionary for the float columns, as featurize writes them
          DataFrameWriter<Row> writer = table.write().mode("overwrite");
          for (String column : List.of(FeatureTable.FEATURES, FeatureTable.HEAD_LOGITS)) {
            writer = writer.option("parquet.enable.dictionary#" + column + (binary ? "" : ".list.element"), "false");
          }
          writer.parquet(out + "/" + kind);
        }
        System.out.printf("round %d %-6s wall %.3f ms a row, process CPU %.3f ms a row%n", round + 1, kind,
            (System.nanoTime() - wall) / 1e6 / rows, (processCpuNanos() - cpu) / 1e6 / rows);
      }
    }
    spark.stop();
  }

  private static byte[] littleEndian(float[] values) {
    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(values);
    return bytes.array();
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
