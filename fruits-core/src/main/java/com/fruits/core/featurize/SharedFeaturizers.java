package com.fruits.core.featurize;

import com.fruits.core.model.ModelSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link OnnxFeaturizer} per (spec, model file, threads) for the whole JVM: a Spark executor's tasks, or a
 * web server's request threads, share a single ONNX Runtime session, created lazily on first use and closed when
 * the JVM shuts down.
 */
public final class SharedFeaturizers {
  /** The spec hash covers the model's SHA-256 when the spec has one; the file path then does not matter. */
  private record Key(String specHash, Path modelFile, int intraOpThreads) {}

  private static final Map<Key, OnnxFeaturizer> OPEN = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(SharedFeaturizers::closeAll, "fruits-onnx-shutdown"));
  }

  private SharedFeaturizers() {}

  public static OnnxFeaturizer get(ModelSpec spec, Path modelFile, int intraOpThreads) {
    Path file = modelFile.toAbsolutePath();
    Key key = new Key(spec.hash(), spec.source().sha256() != null ? null : file, intraOpThreads);
    return OPEN.computeIfAbsent(key, k -> OnnxFeaturizer.open(spec, file, k.intraOpThreads()));
  }

  public static void closeAll() {
    OPEN.values().forEach(OnnxFeaturizer::close);
    OPEN.clear();
  }
}
