package com.fruits.core.featurize;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import java.util.Locale;

/**
 * Where ONNX inference is asked to run ({@code --device cpu|cuda|auto}). A request for a GPU is a wish, not a
 * condition: where this process's ONNX Runtime build has no CUDA execution provider, or CUDA fails to load (no
 * driver, no CUDA libraries), the session runs on the CPU and {@link OnnxFeaturizer#fallback} says why.
 */
public enum InferenceDevice {
  /** ONNX Runtime's CPU execution provider only. */
  CPU,
  /** The CUDA execution provider, falling back to the CPU with a message where it cannot load. */
  CUDA,
  /** CUDA where this build has it and it loads, else the CPU, without a message. */
  AUTO;

  /**
   * Images per inference on a CPU. On a 2-core AMD EPYC (2026-12-01), 8 against 32: the same throughput warm
   * ({@code fruits bench}), 9 % less featurize time for 300 photos with their views, and half the inference CPU of a
   * small resumed run (297 photos: 2.0 s against 4.1 s, most of it the session's first calls).
   */
  public static final int CPU_BATCH_SIZE = 8;
  /** Images per inference on a GPU: a batch of 32 leaves most of its cores idle. */
  public static final int GPU_BATCH_SIZE = 128;

  /** The {@code --device} option's help, shared by both command lines. */
  public static final String OPTION_HELP = "Where inference runs: cpu, cuda (the CPU, with a message, where CUDA "
      + "cannot load) or auto (CUDA where this build has it and it loads) (default: ${DEFAULT-VALUE}).";

  /** Parses {@code cpu}, {@code cuda} or {@code auto}, in any case. */
  public static InferenceDevice parse(String text) {
    for (InferenceDevice device : values()) {
      if (device.cliName().equalsIgnoreCase(text == null ? "" : text.trim())) {
        return device;
      }
    }
    throw new IllegalArgumentException("--device must be cpu, cuda or auto, not '" + text + "'");
  }

  /** The name the command line and the stored settings use. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether this process's ONNX Runtime build carries the CUDA execution provider (the {@code -Pcuda} build). */
  public static boolean cudaInBuild() {
    return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
  }

  /** Whether inference may run on a GPU: CUDA asked for, or auto in a build that has it. */
  public boolean mayUseGpu() {
    return this == CUDA || this == AUTO && cudaInBuild();
  }

  /** The batch size that suits the device: {@link #GPU_BATCH_SIZE} where a GPU may be used, else the CPU's. */
  public int defaultBatchSize() {
    return mayUseGpu() ? GPU_BATCH_SIZE : CPU_BATCH_SIZE;
  }

  /**
   * What a user asking for this device should be told before any work starts, or null: CUDA asked for from a build
   * without it.
   */
  public String buildNote() {
    return this == CUDA && !cudaInBuild()
        ? "--device cuda: this ONNX Runtime build has no CUDA execution provider (build the GPU variant with "
            + "mvn -Pcuda package, see docs/gpu.md); inference runs on the CPU"
        : null;
  }
}
