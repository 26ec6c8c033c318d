package com.fruits.bench;

import com.fruits.core.featurize.InferenceDevice;
import com.fruits.core.featurize.OnnxFeaturizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;

/**
 * Measures raw ONNX Runtime throughput on tensors that are already decoded and batched: the ceiling that
 * end-to-end featurization (and serving) is compared with. A {@link Setting} runs {@code streams} threads
 * concurrently on one shared session with {@code threadsPerStream} intra-op threads each, the way Spark tasks on
 * one executor share a session.
 */
public final class InferenceCeiling {
  public record Setting(int streams, int threadsPerStream, int batch) {
    @Override
    public String toString() {
      return streams + " stream(s) x " + threadsPerStream + " thread(s), batch " + batch;
    }
  }

  public record Measurement(Setting setting, long images, double seconds, double imagesPerSecond) {}

  private InferenceCeiling() {}

  /** Settings worth trying on a machine with {@code cores} cores. */
  public static List<Setting> candidates(int cores) {
    return candidates(cores, InferenceDevice.CPU);
  }

  /**
   * Settings worth trying with {@code cores} cores on {@code device}; where a GPU may be used, also large batches
   * from one and two streams (a GPU is busy only with hundreds of images in flight).
   */
  public static List<Setting> candidates(int cores, InferenceDevice device) {
    List<Setting> settings = new ArrayList<>();
    for (int batch : new int[] {1, 8, 32}) {
      settings.add(new Setting(1, cores, batch));
      if (cores > 1) {
        settings.add(new Setting(cores, 1, batch));
      }
    }
    if (device.mayUseGpu()) {
      for (int batch : new int[] {InferenceDevice.GPU_BATCH_SIZE, 2 * InferenceDevice.GPU_BATCH_SIZE}) {
        settings.add(new Setting(1, 1, batch));
        settings.add(new Setting(2, 1, batch));
      }
    }
    return settings;
  }

  /**
   * Runs {@code setting} for about {@code seconds} after a short warm-up.
   *
   * @param featurizers gives the shared featurizer for a number of intra-op threads
   * @param tensors pre-processed images, one tensor each, reused round-robin
   */
  public static Measurement measure(IntFunction<OnnxFeaturizer> featurizers, List<float[]> tensors, Setting setting,
      double seconds) throws InterruptedException {
    OnnxFeaturizer featurizer = featurizers.apply(setting.threadsPerStream());
    int batch = Math.min(setting.batch(), featurizer.maxBatch());
    int size = featurizer.spec().input().tensorSize();
    return timeStreams(setting, seconds, "ceiling-", stream -> {
      float[] input = new float[batch * size];
      for (int i = 0; i < batch; i++) {
        System.arraycopy(tensors.get((stream * batch + i) % tensors.size()), 0, input, i * size, size);
      }
      return () -> {
        featurizer.run(input, batch);
        return batch;
      };
    });
  }

  /**
   * Runs {@code setting.streams()} threads, each repeating the step {@code steps} makes for it (on its own thread;
   * a step returns how many images it handled) for a second's warm-up and then about {@code seconds}, and counts the
   * images of the steps that began after the warm-up. The first step to fail stops every stream and is rethrown.
   */
  static Measurement timeStreams(Setting setting, double seconds, String threadName,
      IntFunction<IntSupplier> steps) throws InterruptedException {
    AtomicLong images = new AtomicLong();
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    long warmupEnd = System.nanoTime() + 1_000_000_000L;
    long measureEnd = warmupEnd + (long) (seconds * 1e9);
    CountDownLatch done = new CountDownLatch(setting.streams());
    List<Thread> threads = new ArrayList<>();
    for (int s = 0; s < setting.streams(); s++) {
      int stream = s;
      threads.add(new Thread(() -> {
        try {
          IntSupplier step = steps.apply(stream);
          while (System.nanoTime() < warmupEnd && failure.get() == null) {
            step.getAsInt();
          }
          while (System.nanoTime() < measureEnd && failure.get() == null) {
            images.addAndGet(step.getAsInt());
          }
        } catch (RuntimeException e) {
          failure.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      }, threadName + s));
    }
    threads.forEach(Thread::start);
    done.await();
    if (failure.get() != null) {
      throw failure.get();
    }
    double elapsed = (System.nanoTime() - warmupEnd) / 1e9;
    return new Measurement(setting, images.get(), elapsed, images.get() / elapsed);
  }
}
