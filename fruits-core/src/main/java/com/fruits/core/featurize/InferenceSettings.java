package com.fruits.core.featurize;

import java.io.Serializable;
import java.util.Objects;

/**
 * How one ONNX Runtime session runs: its intra-op threads, the device asked for, and which GPU (CUDA's device
 * ordinal, as the process sees it) when that device is a GPU. Serializable: Spark ships it to the executors.
 */
public record InferenceSettings(int intraOpThreads, InferenceDevice device, int gpu) implements Serializable {

  public InferenceSettings {
    Objects.requireNonNull(device, "device");
    if (intraOpThreads < 1) {
      throw new IllegalArgumentException("intra-op threads must be at least 1, not " + intraOpThreads);
    }
    if (gpu < 0) {
      throw new IllegalArgumentException("a GPU ordinal cannot be negative: " + gpu);
    }
  }

  /** {@code threads} intra-op threads on the CPU, at least one. */
  public static InferenceSettings cpu(int threads) {
    return new InferenceSettings(Math.max(1, threads), InferenceDevice.CPU, 0);
  }

  /** {@code threads} intra-op threads on {@code device}, GPU 0 when it is one. */
  public static InferenceSettings on(InferenceDevice device, int threads) {
    return new InferenceSettings(threads, device, 0);
  }

  public InferenceSettings withGpu(int ordinal) {
    return new InferenceSettings(intraOpThreads, device, ordinal);
  }
}
