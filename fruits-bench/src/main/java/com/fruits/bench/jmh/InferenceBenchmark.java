package com.fruits.bench.jmh;

import com.fruits.core.featurize.OnnxFeaturizer;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.image.ImagePreprocessor;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One ONNX Runtime call of MobileNetV2 on {@code batch} preprocessed images, both outputs (features and the ImageNet
 * head), one intra-op thread: the featurizer's inner loop. Divide by {@code batch} for the time per image.
 */
public class InferenceBenchmark extends SingleThreadBenchmark {
  @Param({"1", "8"})
  public int batch;

  private OnnxFeaturizer featurizer;
  private float[] tensors;

  @Setup
  public void setUp() throws IOException, ImageDecodeException {
    ResolvedModel model = ResolvedModel.resolve(BenchFiles.modelSpec());
    ImagePreprocessor preprocessor = new ImagePreprocessor(model.spec().input());
    float[] one = preprocessor.prepare(BenchFiles.studioPhoto());
    tensors = new float[one.length * batch];
    for (int i = 0; i < batch; i++) {
      System.arraycopy(one, 0, tensors, i * one.length, one.length);
    }
    featurizer = OnnxFeaturizer.open(model.spec(), model.modelFile(), 1);
  }

  @Benchmark
  public OnnxFeaturizer.Outputs infer() {
    return featurizer.runAllOutputs(tensors, batch);
  }

  @TearDown
  public void close() {
    featurizer.close();
  }
}
