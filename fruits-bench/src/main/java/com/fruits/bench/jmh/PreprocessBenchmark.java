package com.fruits.bench.jmh;

import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.image.ImagePreprocessor;
import java.io.IOException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Decode + resize + normalize of one photo into the model's input tensor, on one thread: the per-image CPU the batch
 * featurizer and the server share ({@link ImagePreprocessor}). {@code studio}: a 100×100 Fruits-360 JPEG;
 * {@code phone}: a 12 MP JPEG, which libjpeg-turbo decodes at an eighth (DCT scaling) where it is installed.
 */
public class PreprocessBenchmark extends SingleThreadBenchmark {
  @Param({"studio", "phone"})
  public String photo;

  private ImagePreprocessor preprocessor;
  private byte[] bytes;
  private float[] tensor;

  @Setup
  public void setUp() throws IOException {
    preprocessor = new ImagePreprocessor(ResolvedModel.resolve(BenchFiles.modelSpec()).spec().input());
    bytes = photo.equals("phone") ? BenchFiles.phonePhoto() : BenchFiles.studioPhoto();
    tensor = new float[preprocessor.tensorSize()];
  }

  @Benchmark
  public float[] decodeAndPreprocess() throws ImageDecodeException {
    preprocessor.prepare(bytes, tensor, 0);
    return tensor;
  }
}
