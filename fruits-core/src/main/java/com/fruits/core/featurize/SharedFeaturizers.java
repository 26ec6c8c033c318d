package com.fruits.core.featurize;

import com.fruits.core.model.ModelSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link OnnxFeaturizer} per (spec, model file, {@link InferenceSettings}) for the whole JVM: a Spark executor's
 * tasks, or a web server's request threads, share a single ONNX Runtime session, created lazily on first use and
 * closed when the JVM shuts down.
 */
public final class SharedFeaturizers {
  /** The spec hash covers the model's SHA-256 when the spec has one; the file path then does not matter. */
  private record Key(String specHash, Path modelFile, InferenceSettings settings) {}

  private static final Map<Key, OnnxFeaturizer> OPEN = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(SharedFeaturizers::closeAll, "fruits-onnx-shutdown"));
  }

  private SharedFeaturizers() {}

  /** The CPU session with {@code intraOpThreads} threads. */
  public static OnnxFeaturizer get(ModelSpec spec, Path modelFile, int intraOpThreads) {
    return get(spec, modelFile, InferenceSettings.cpu(intraOpThreads));
  }

  public static OnnxFeaturizer get(ModelSpec spec, Path modelFile, InferenceSettings settings) {
    Path file = modelFile.toAbsolutePath();
    Key key = new Key(spec.hash(), spec.source().sha256() != null ? null : file, settings);
    return OPEN.computeIfAbsent(key, k -> OnnxFeaturizer.open(spec, file, k.settings()));
  }

  public static void closeAll() {
    OPEN.values().forEach(OnnxFeaturizer::close);
    OPEN.clear();
  }
}
