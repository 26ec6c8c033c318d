package com.fruits.spark.ml.stages;

import com.fruits.core.featurize.OnnxFeaturizer;
import com.fruits.core.image.FailureReason;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.image.ImagePreprocessor;
import com.fruits.core.model.ModelSpec;
import com.fruits.spark.BatchingIterator;
import com.fruits.spark.ExecutorModel;
import com.fruits.storage.HadoopFiles;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The executor side of {@link ImageFeaturizer}: each input row with its features appended (or its error), one
 * batch of photos decoded and inferred at a time through the JVM's shared ONNX Runtime session.
 */
record ImageFeaturesPartition(ExecutorModel model, int inputColumn,
    Broadcast<HadoopFiles.SerializableConfiguration> conf) implements MapPartitionsFunction<Row, Row> {

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    ModelSpec spec = model.spec();
    OnnxFeaturizer featurizer = model.open(spec);
    int batchSize = model.batchSize();
    ImagePreprocessor preprocessor = new ImagePreprocessor(spec.input());
    int size = preprocessor.tensorSize();
    // one buffer per partition, not per batch; not a per-thread one as featurize keeps: a user's plan may interleave
    // two featurized inputs in one task
    float[] tensors = new float[batchSize * size];
    return new BatchingIterator<>() {
      /** Decodes up to a batch of rows (failures straight to the output), then infers them in one call. */
      @Override
      protected void fill() {
        List<Row> pending = new ArrayList<>(batchSize);
        while (pending.size() < batchSize && rows.hasNext()) {
          Row row = rows.next();
          try {
            preprocessor.prepare(bytesOf(row), tensors, pending.size() * size);
            pending.add(row);
          } catch (ImageDecodeException e) {
            ready.add(append(row, null, e.describe()));
          }
        }
        if (!pending.isEmpty()) {
          float[][] features = featurizer.runAll(tensors, pending.size());
          for (int i = 0; i < pending.size(); i++) {
            double[] values = new double[features[i].length];
            for (int j = 0; j < values.length; j++) {
              values[j] = features[i][j];
            }
            ready.add(append(pending.get(i), Vectors.dense(values), null));
          }
        }
      }
    };
  }

  private byte[] bytesOf(Row row) throws ImageDecodeException {
    if (row.isNullAt(inputColumn)) {
      throw new ImageDecodeException(FailureReason.EMPTY_FILE, "no image (null)");
    }
    Object value = row.get(inputColumn);
    if (value instanceof byte[] bytes) {
      return bytes;
    }
    Path path = new Path((String) value);
    try {
      return HadoopFiles.readFully(path.getFileSystem(conf.value().get()), path, -1);
    } catch (IOException | RuntimeException e) {
      throw new ImageDecodeException(FailureReason.READ_ERROR, "cannot read " + value + ": " + HadoopFiles.oneLine(e));
    }
  }

  private static Row append(Row row, Object features, String error) {
    Object[] values = new Object[row.size() + 2];
    for (int i = 0; i < row.size(); i++) {
      values[i] = row.get(i);
    }
    values[row.size()] = features;
    values[row.size() + 1] = error;
    return RowFactory.create(values);
  }
}
