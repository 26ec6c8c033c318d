package com.fruits.spark.ml.stages;

import com.fruits.core.FruitsException;
import com.fruits.core.featurize.InferenceDevice;
import com.fruits.core.featurize.InferenceSettings;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.spark.ExecutorModel;
import com.fruits.spark.ShippedModel;
import com.fruits.storage.HadoopFiles;
import java.nio.file.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML {@link Transformer} that runs an ImageNet-pretrained CNN over photos: a column of image paths (any
 * Hadoop URI: {@code file:}, {@code s3a:}) or of image bytes (what Spark's {@code binaryFile} source reads into
 * {@code content}) in, the backbone's features (an ML {@code Vector}, ready for {@code StandardScaler}, {@code PCA},
 * any classifier) and an error column out. A photo that cannot be read or decoded gets null features and its
 * reason; it never fails the job.
 *
 * <p>The same decoder, preprocessing and ONNX Runtime session as {@code fruits featurize} and the app (whole photo,
 * no views). The model spec names the ONNX file and how to feed it; the driver reads the file and broadcasts it, so
 * executors need nothing installed. Saved and loaded with its Params like any Spark ML stage, inside a
 * {@code PipelineModel} too; the spec is saved as a path, so the loading driver must see the same file.
 */
public final class ImageFeaturizer extends Transformer
    implements HasColumns<ImageFeaturizer>, DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  private final String uid;

  /**
   * The input column, image paths (string) or image bytes (binary), default {@code path}; the output column of
   * features (ML Vector; null when the photo failed), default {@code features}.
   */
  private final Columns columns;
  /** The output column of failure reasons ({@code reason: message}; null when the photo was featurized). */
  private final Param<String> errorCol;
  /** The model spec's JSON file (e.g. {@code models/mobilenetv2.json}); required. */
  private final Param<String> modelSpec;
  /** Photos per inference call. Default: the CPU's batch, {@link InferenceDevice#CPU_BATCH_SIZE}. */
  private final IntParam batchSize;
  /** ONNX Runtime intra-op threads per task. Default 1 (Spark already runs a task per core). */
  private final IntParam threads;
  /** Where inference runs: {@code cpu}, {@code cuda} (CPU fallback) or {@code auto}. Default {@code auto}. */
  private final Param<String> device;

  public ImageFeaturizer() {
    this(Identifiable$.MODULE$.randomUID("imageFeaturizer"));
  }

  public ImageFeaturizer(String uid) {
    this.uid = uid;
    columns = Columns.of(this, "image paths (string) or image bytes (binary)", "the backbone's features (vector)");
    errorCol = new Param<>(this, "errorCol", "why a photo has no features (string)");
    modelSpec = new Param<>(this, "modelSpec", "the model spec's JSON file");
    batchSize = new IntParam(this, "batchSize", "photos per inference call (>= 1)", ParamValidators.gtEq(1));
    threads = new IntParam(this, "threads", "ONNX Runtime intra-op threads per task (>= 1)", ParamValidators.gtEq(1));
    device = new Param<>(this, "device", "where inference runs: cpu, cuda or auto",
        ParamValidators.inArray(new String[] {"cpu", "cuda", "auto"}));
    setDefault(inputCol(), "path");
    setDefault(outputCol(), "features");
    setDefault(errorCol, "error");
    setDefault(batchSize, InferenceDevice.CPU_BATCH_SIZE);
    setDefault(threads, 1);
    setDefault(device, InferenceDevice.AUTO.cliName());
  }

  @Override
  public String uid() {
    return uid;
  }

  // Spark ML finds a stage's params through its public methods that return them (what a Scala val compiles to)

  public Param<String> errorCol() {
    return errorCol;
  }

  public Param<String> modelSpec() {
    return modelSpec;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam threads() {
    return threads;
  }

  public Param<String> device() {
    return device;
  }

  public ImageFeaturizer setErrorCol(String value) {
    return (ImageFeaturizer) set(errorCol, value);
  }

  public ImageFeaturizer setModelSpec(String value) {
    return (ImageFeaturizer) set(modelSpec, value);
  }

  public ImageFeaturizer setBatchSize(int value) {
    return (ImageFeaturizer) set(batchSize, value);
  }

  public ImageFeaturizer setThreads(int value) {
    return (ImageFeaturizer) set(threads, value);
  }

  public ImageFeaturizer setDevice(String value) {
    return (ImageFeaturizer) set(device, value);
  }

  public String getErrorCol() {
    return $(errorCol);
  }

  public String getModelSpec() {
    return $(modelSpec);
  }

  public int getBatchSize() {
    return (Integer) $(batchSize);
  }

  public int getThreads() {
    return (Integer) $(threads);
  }

  public String getDevice() {
    return $(device);
  }

  @Override
  public Columns columns() {
    return columns;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (!isDefined(modelSpec)) {
      throw new IllegalArgumentException("ImageFeaturizer: set modelSpec, the model spec's JSON file");
    }
    if (!java.util.Arrays.asList(schema.fieldNames()).contains(getInputCol())) {
      throw new IllegalArgumentException("ImageFeaturizer: no input column '" + getInputCol() + "' in " + schema.simpleString());
    }
    DataType type = schema.apply(getInputCol()).dataType();
    if (!type.equals(DataTypes.StringType) && !type.equals(DataTypes.BinaryType)) {
      throw new IllegalArgumentException("ImageFeaturizer: input column '" + getInputCol() + "' must hold paths "
          + "(string) or image bytes (binary), not " + type.simpleString());
    }
    for (String out : new String[] {getOutputCol(), getErrorCol()}) {
      if (java.util.Arrays.asList(schema.fieldNames()).contains(out)) {
        throw new IllegalArgumentException("ImageFeaturizer: output column '" + out + "' already exists");
      }
    }
    return schema.add(new StructField(getOutputCol(), SQLDataTypes.VectorType(), true,
            org.apache.spark.sql.types.Metadata.empty()))
        .add(getErrorCol(), DataTypes.StringType, true);
  }

  @Override
  public ImageFeaturizer copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = transformSchema(dataset.schema());
    ResolvedModel model;
    try {
      model = ResolvedModel.resolve(Path.of(getModelSpec()));
    } catch (RuntimeException e) {
      throw new FruitsException("ImageFeaturizer: cannot use model spec " + getModelSpec() + ": " + e.getMessage());
    }
    ShippedModel shipped = ShippedModel.ship(dataset.sparkSession(), model.modelFile());
    Broadcast<HadoopFiles.SerializableConfiguration> conf = JavaSparkContext
        .fromSparkContext(dataset.sparkSession().sparkContext())
        .broadcast(new HadoopFiles.SerializableConfiguration(dataset.sparkSession().sparkContext().hadoopConfiguration()));
    int input = dataset.schema().fieldIndex(getInputCol());
    ImageFeaturesPartition function = new ImageFeaturesPartition(new ExecutorModel(model.spec(), shipped,
        getBatchSize(), InferenceSettings.on(InferenceDevice.parse(getDevice()), getThreads())), input, conf);
    return dataset.toDF().mapPartitions(function, Encoders.row(schema));
  }

  public static MLReader<ImageFeaturizer> read() {
    return new DefaultParamsReader<>();
  }

  public static ImageFeaturizer load(String path) {
    return read().load(path);
  }
}
