package com.fruits.core.featurize;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fruits.core.FruitsException;
import com.fruits.core.model.InputSpec;
import com.fruits.core.model.ModelSpec;
import com.fruits.core.model.Pooling;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Runs an ONNX image model described by a {@link ModelSpec} on preprocessed NCHW tensors and returns one feature
 * vector per image, and, when the spec names a {@linkplain com.fruits.core.model.OutputSpec#head head}, the graph's
 * ImageNet logits of each image from the same run. {@link #open} checks the graph against the spec (input name,
 * shape, output names, batch) and runs one dry inference, so a mismatch fails with one readable line before any real
 * work starts.
 *
 * <p>Thread-safe: ONNX Runtime sessions accept concurrent {@code run} calls. Each calling thread keeps one native
 * (direct) input buffer that ONNX Runtime reads in place, so an inference allocates and zeroes no tensor memory.
 * {@link #close} waits for the inferences in flight: closing the native session under a running one would crash the
 * JVM (a server stopped by SIGTERM while answering, an executor shutting down mid-task); later calls are refused.
 */
public final class OnnxFeaturizer implements AutoCloseable {
  private static final AtomicLong IMAGES_INFERRED = new AtomicLong();

  private final ModelSpec spec;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final int featureDimension;
  /** The graph's outputs one run fetches: the features, then the head when the spec has one. */
  private final Set<String> fetched;
  private final int intraOpThreads;
  /** The execution provider the session runs on: {@code cpu} or {@code cuda:N}. */
  private final String provider;
  /** Why a GPU asked for is not used, or null. */
  private final String fallback;
  /** Per calling thread: the direct buffer the input tensor views, grown to the largest batch seen. */
  private final ThreadLocal<FloatBuffer> inputBuffer = ThreadLocal.withInitial(() -> FloatBuffer.allocate(0));
  /** Inferences hold the read lock, {@link #close} the write lock. */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  /** Guarded by {@link #lifecycle}. */
  private boolean closed;

  /** An inference asked of a featurizer that has been closed (the process is shutting down). */
  public static final class ClosedException extends FruitsException {
    private static final long serialVersionUID = 1L;

    ClosedException(String model) {
      super("the ONNX session of model '" + model + "' is closed");
    }
  }

  private OnnxFeaturizer(ModelSpec spec, OrtEnvironment env, OrtSession session, int intraOpThreads,
      Placement placement) {
    this.spec = spec;
    this.env = env;
    this.session = session;
    this.intraOpThreads = intraOpThreads;
    this.provider = placement.provider();
    this.fallback = placement.fallback();
    this.fetched = spec.output().hasHead() ? Set.of(spec.output().name(), spec.output().head())
        : Set.of(spec.output().name());
    this.featureDimension = dryRun();
  }

  /** Opens {@code modelFile} on the CPU with {@code intraOpThreads} threads per inference and checks it. */
  public static OnnxFeaturizer open(ModelSpec spec, Path modelFile, int intraOpThreads) {
    return open(spec, modelFile, InferenceSettings.cpu(intraOpThreads));
  }

  /** Opens {@code modelFile} as {@code settings} say and checks it against the spec. */
  public static OnnxFeaturizer open(ModelSpec spec, Path modelFile, InferenceSettings settings) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession session;
    Placement placement;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(settings.intraOpThreads());
      options.setInterOpNumThreads(1);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      placement = place(options, settings);
      session = env.createSession(modelFile.toString(), options);
    } catch (OrtException e) {
      throw new FruitsException("cannot open ONNX model " + modelFile + ": " + oneLine(e.getMessage()));
    }
    try {
      checkGraph(spec, session);
      return new OnnxFeaturizer(spec, env, session, settings.intraOpThreads(), placement);
    } catch (RuntimeException e) {
      closeQuietly(session);
      throw e;
    }
  }

  /** The execution provider a session got, and why it is not the GPU asked for (null when it is). */
  private record Placement(String provider, String fallback) {}

  /**
   * Adds the CUDA execution provider where the settings ask for it and it loads; ONNX Runtime keeps its CPU provider
   * behind it for any operator CUDA lacks.
   */
  private static Placement place(OrtSession.SessionOptions options, InferenceSettings settings) {
    if (!settings.device().mayUseGpu()) {
      return new Placement("cpu", null);
    }
    if (!InferenceDevice.cudaInBuild()) {
      return new Placement("cpu", "this ONNX Runtime build has no CUDA execution provider");
    }
    try {
      options.addCUDA(settings.gpu());
      return new Placement("cuda:" + settings.gpu(), null);
    } catch (OrtException e) {
      return new Placement("cpu", "CUDA did not load on GPU " + settings.gpu() + ": " + oneLine(e.getMessage()));
    }
  }

  private static void checkGraph(ModelSpec spec, OrtSession session) {
    String where = "model spec '" + spec.name() + "' does not match the ONNX graph: ";
    try {
      Map<String, NodeInfo> inputs = session.getInputInfo();
      InputSpec in = spec.input();
      NodeInfo input = inputs.get(in.name());
      if (input == null) {
        throw new FruitsException(where + "no input named '" + in.name() + "' (inputs: " + inputs.keySet() + ")");
      }
      if (!(input.getInfo() instanceof TensorInfo tensor) || tensor.getShape().length != 4) {
        throw new FruitsException(where + "input '" + in.name() + "' is not a 4-D NCHW tensor ("
            + input.getInfo() + ")");
      }
      long[] shape = tensor.getShape();
      if (!dimensionMatches(shape[1], 3) || !dimensionMatches(shape[2], in.height())
          || !dimensionMatches(shape[3], in.width())) {
        throw new FruitsException(where + "input '" + in.name() + "' has shape " + Arrays.toString(shape)
            + ", the spec describes [N, 3, " + in.height() + ", " + in.width() + "]");
      }
      if (spec.dynamicBatch() && shape[0] > 0) {
        throw new FruitsException(where + "input '" + in.name() + "' has a fixed batch of " + shape[0]
            + "; set \"batch\": " + shape[0] + " in the spec");
      }
      if (!spec.dynamicBatch() && shape[0] > 0 && shape[0] != spec.batchSize()) {
        throw new FruitsException(where + "input '" + in.name() + "' has a fixed batch of " + shape[0]
            + ", the spec says " + spec.batchSize());
      }
      Set<String> outputs = session.getOutputNames();
      if (!outputs.contains(spec.output().name())) {
        throw new FruitsException(where + "no output named '" + spec.output().name() + "' (outputs: " + outputs
            + "; only graph outputs can be used as features)");
      }
      if (spec.output().hasHead() && spec.output().head().equals(spec.output().name())) {
        throw new FruitsException(where + "output.head names the features output '" + spec.output().name()
            + "'; it must name the graph's ImageNet classifier output");
      }
      if (spec.output().hasHead() && !outputs.contains(spec.output().head())) {
        throw new FruitsException(where + "no output named '" + spec.output().head() + "' for output.head (outputs: "
            + outputs + ")");
      }
    } catch (OrtException e) {
      throw new FruitsException(where + oneLine(e.getMessage()));
    }
  }

  private static boolean dimensionMatches(long graphDim, int expected) {
    return graphDim <= 0 || graphDim == expected;
  }

  /** Runs one blank image through the graph: proves it runs and measures the feature dimension. */
  private int dryRun() {
    int batch = spec.dynamicBatch() ? 1 : spec.batchSize();
    Outputs outputs = infer(new float[batch * spec.input().tensorSize()], batch);
    if (outputs.head() != null && outputs.head()[0].length != HEAD_CLASSES) {
      throw new FruitsException("model spec '" + spec.name() + "': output.head '" + spec.output().head() + "' has "
          + outputs.head()[0].length + " values an image, not the " + HEAD_CLASSES + " ImageNet classes");
    }
    return outputs.features()[0].length;
  }

  /** The classes of an ImageNet (ILSVRC-2012) head, in its standard order. */
  public static final int HEAD_CLASSES = 1000;

  /**
   * What one run gives for each image: its features and, when the spec names a head, its ImageNet logits (else
   * {@code head} is null).
   */
  public record Outputs(float[][] features, float[][] head) {}

  /** Images run through any featurizer in this JVM since it started (dry runs excluded). */
  public static long imagesInferred() {
    return IMAGES_INFERRED.get();
  }

  public ModelSpec spec() {
    return spec;
  }

  public int featureDimension() {
    return featureDimension;
  }

  public int intraOpThreads() {
    return intraOpThreads;
  }

  /** The execution provider inference runs on: {@code cpu} or {@code cuda:N}. */
  public String provider() {
    return provider;
  }

  /** Why inference runs on the CPU although a GPU was asked for (or allowed, with auto), or null. */
  public String fallback() {
    return fallback;
  }

  /** Where inference runs, with the reason when a GPU was wanted: {@code cuda:0}, {@code cpu}, {@code cpu (why)}. */
  public String placement() {
    return fallback == null ? provider : provider + " (" + fallback + ")";
  }

  /** The largest batch one {@link #run} accepts: the graph's fixed batch, or unlimited. */
  public int maxBatch() {
    return spec.dynamicBatch() ? Integer.MAX_VALUE : spec.batchSize();
  }

  /**
   * Features of the {@code count} images whose tensors fill {@code tensors} from index 0. For a fixed-batch model
   * {@code count} must not exceed {@link #maxBatch()}; a short last batch is padded.
   */
  public float[][] run(float[] tensors, int count) {
    return runOutputs(tensors, count).features();
  }

  /** As {@link #run}, with the head's logits when the spec names a head. */
  public Outputs runOutputs(float[] tensors, int count) {
    Outputs outputs = infer(tensors, count);
    IMAGES_INFERRED.addAndGet(count);
    return outputs;
  }

  /**
   * Features of the {@code count} images whose tensors fill {@code tensors} from index 0, in as many runs as the
   * graph's batch needs (one for a dynamic batch).
   */
  public float[][] runAll(float[] tensors, int count) {
    return runAllOutputs(tensors, count).features();
  }

  /** As {@link #runAll}, with the head's logits when the spec names a head. */
  public Outputs runAllOutputs(float[] tensors, int count) {
    int batch = maxBatch();
    if (count <= batch) {
      return runOutputs(tensors, count);
    }
    int size = spec.input().tensorSize();
    float[][] features = new float[count][];
    float[][] head = spec.output().hasHead() ? new float[count][] : null;
    float[] chunk = new float[batch * size];
    for (int start = 0; start < count; start += batch) {
      int n = Math.min(batch, count - start);
      System.arraycopy(tensors, start * size, chunk, 0, n * size);
      Outputs part = runOutputs(chunk, n);
      System.arraycopy(part.features(), 0, features, start, n);
      if (head != null) {
        System.arraycopy(part.head(), 0, head, start, n);
      }
    }
    return new Outputs(features, head);
  }

  private Outputs infer(float[] tensors, int count) {
    int size = spec.input().tensorSize();
    int batch = spec.dynamicBatch() ? count : spec.batchSize();
    if (count < 1 || count > batch) {
      throw new IllegalArgumentException("count " + count + " outside 1.." + batch);
    }
    if (tensors.length < batch * size) {
      throw new IllegalArgumentException("need " + batch * size + " floats, got " + tensors.length);
    }
    long[] shape = {batch, 3, spec.input().height(), spec.input().width()};
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new ClosedException(spec.name());
      }
      return inferOpen(tensors, batch * size, shape, count);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  private Outputs inferOpen(float[] tensors, int length, long[] shape, int count) {
    try (OnnxTensor input = OnnxTensor.createTensor(env, directCopy(tensors, length), shape);
         OrtSession.Result result = session.run(Map.of(spec.input().name(), input), fetched)) {
      OnnxTensor output = (OnnxTensor) result.get(spec.output().name()).orElseThrow();
      long[] outShape = ((TensorInfo) output.getInfo()).getShape();
      float[][] features = toFeatures(output.getFloatBuffer(), outShape, count, spec.output().pooling());
      float[][] head = null;
      if (spec.output().hasHead()) {
        OnnxTensor logits = (OnnxTensor) result.get(spec.output().head()).orElseThrow();
        head = toFeatures(logits.getFloatBuffer(), ((TensorInfo) logits.getInfo()).getShape(), count, Pooling.AVG);
      }
      return new Outputs(features, head);
    } catch (OrtException e) {
      throw new FruitsException("inference failed for model '" + spec.name() + "': " + oneLine(e.getMessage()), e);
    }
  }

  /**
   * The first {@code length} floats of {@code tensors} in this thread's direct buffer. A heap buffer would make
   * ONNX Runtime allocate, zero and fill a fresh native copy on every call.
   */
  private FloatBuffer directCopy(float[] tensors, int length) {
    FloatBuffer buffer = inputBuffer.get();
    if (buffer.capacity() < length) {
      buffer = ByteBuffer.allocateDirect(length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
      inputBuffer.set(buffer);
    }
    buffer.clear();
    buffer.put(tensors, 0, length);
    buffer.flip();
    return buffer;
  }

  private float[][] toFeatures(FloatBuffer values, long[] shape, int count, Pooling pooling) {
    int channels = (int) shape[1];
    int spatial = 1;
    for (int i = 2; i < shape.length; i++) {
      spatial *= (int) shape[i];
    }
    if (spatial > 1 && pooling == Pooling.NONE) {
      throw new FruitsException("model spec '" + spec.name() + "': output '" + spec.output().name()
          + "' has shape " + Arrays.toString(shape) + "; set output.pooling to \"avg\" or \"max\"");
    }
    float[][] features = new float[count][channels];
    for (int n = 0; n < count; n++) {
      for (int c = 0; c < channels; c++) {
        int base = (n * channels + c) * spatial;
        float value;
        if (spatial == 1) {
          value = values.get(base);
        } else if (pooling == Pooling.MAX) {
          value = Float.NEGATIVE_INFINITY;
          for (int s = 0; s < spatial; s++) {
            value = Math.max(value, values.get(base + s));
          }
        } else {
          double sum = 0;
          for (int s = 0; s < spatial; s++) {
            sum += values.get(base + s);
          }
          value = (float) (sum / spatial);
        }
        features[n][c] = value;
      }
    }
    return features;
  }

  /** Waits for the inferences in flight, then releases the native session; idempotent. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        closeQuietly(session);
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException | RuntimeException ignored) {
      // closing a session that failed to initialise has nothing left to release
    }
  }

  private static String oneLine(String message) {
    return message == null ? "unknown error" : message.replaceAll("\\s+", " ").trim();
  }
}
