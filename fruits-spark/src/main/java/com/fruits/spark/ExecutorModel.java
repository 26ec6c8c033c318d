package com.fruits.spark;

import com.fruits.core.featurize.InferenceSettings;
import com.fruits.core.featurize.OnnxFeaturizer;
import com.fruits.core.featurize.SharedFeaturizers;
import com.fruits.core.model.ModelSpec;
import com.fruits.core.model.ModelSpecs;
import java.io.Serializable;
import java.nio.file.Path;
import org.apache.spark.TaskContext;

/**
 * The CNN as executors open it, for {@code featurize} and the {@code ImageFeaturizer} stage alike: the spec (as JSON:
 * a {@link ModelSpec} holds driver-local paths), the model file shipped to each executor, and the device and threads
 * asked for. Each task opens the JVM's shared session on its own GPU ({@link TaskGpu}) or the CPU.
 */
public record ExecutorModel(String specJson, ShippedModel model, int batchSize, InferenceSettings inference)
    implements Serializable {

  public ExecutorModel(ModelSpec spec, ShippedModel model, int batchSize, InferenceSettings inference) {
    this(ModelSpecs.toJson(spec), model, batchSize, inference);
  }

  /** The spec, parsed on the executor. */
  public ModelSpec spec() {
    return ModelSpecs.parse(specJson, Path.of("."), "driver");
  }

  /** This task's featurizer: the JVM's shared session for {@code spec} on the task's device. */
  public OnnxFeaturizer open(ModelSpec spec) {
    return SharedFeaturizers.get(spec, model.localFile(), inference.withGpu(TaskGpu.ordinal(TaskContext.get())));
  }
}
