package com.fruits.spark;

import com.fruits.core.featurize.OnnxFeaturizer;
import com.fruits.core.image.FailureReason;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.image.ImagePreprocessor;
import com.fruits.core.image.ImageViews;
import com.fruits.core.image.RgbImage;
import com.fruits.core.image.ViewPolicy;
import com.fruits.core.model.ModelSpec;
import com.fruits.storage.HadoopFiles;
import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The executor side of featurization: reads each listed image through Hadoop, decodes and preprocesses it into a
 * reused batch buffer, and runs the JVM's shared ONNX Runtime session once per batch. An image that cannot be read
 * or decoded becomes a row with {@code features = null} and an {@code error}; it never fails the task.
 *
 * <p>Rows stream through: at most one batch of tensors is held per task.
 */
final class FeaturizePartition implements MapPartitionsFunction<Row, Row>, Serializable {
  private static final long serialVersionUID = 1L;

  private final ExecutorModel model;
  private final long maxFileBytes;
  private final String runId;
  /** Which photos get every {@link ImageViews view}. */
  private final ViewPolicy views;
  /** Broadcast, not captured: each task would deserialize the whole Hadoop configuration (hundreds of entries). */
  private final Broadcast<HadoopFiles.SerializableConfiguration> hadoopConf;
  private final TaskMetrics metrics;
  /** Rows this task has produced: a running task reports it with its executor's heartbeats ({@link TaskProgress}). */
  private final LongAccumulator rowsDone;

  /**
   * Nanoseconds the tasks spent reading files, decoding + preprocessing, and in inference (wall clock), and the CPU
   * time of the inference calls. Inference runs on the task's thread (intra-op threads = 1) or blocks it (more), so
   * on one intra-op thread wall minus CPU is the time the thread waited for a core that other work held. Also where
   * each task's inference ran ({@code cpu}, {@code cuda:N}, or {@code cpu} with the reason a GPU was not used).
   */
  record TaskMetrics(LongAccumulator read, LongAccumulator prepare, LongAccumulator infer, LongAccumulator inferCpu,
      CollectionAccumulator<String> providers) implements Serializable {
    static TaskMetrics register(org.apache.spark.SparkContext sc) {
      return new TaskMetrics(sc.longAccumulator("fruits.read.nanos"), sc.longAccumulator("fruits.prepare.nanos"),
          sc.longAccumulator("fruits.infer.nanos"), sc.longAccumulator("fruits.infer.cpu.nanos"),
          sc.collectionAccumulator("fruits.infer.providers"));
    }

    Map<String, Double> seconds() {
      Map<String, Double> seconds = new LinkedHashMap<>();
      seconds.put("read", read.value() / 1e9);
      seconds.put("decodeAndPreprocess", prepare.value() / 1e9);
      seconds.put("inference", infer.value() / 1e9);
      seconds.put("inferenceCallingThreadCpu", inferCpu.value() / 1e9);
      return seconds;
    }

    /** The distinct places the tasks' inference ran, sorted. */
    List<String> providersUsed() {
      return new TreeSet<>(providers.value()).stream().toList();
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * Files a task reads ahead of the one it decodes, and the most bytes they may hold. At about 8 ms of inference a
   * photo, 16 files in flight keep requests of up to about 100 ms (an object store's round trips; a cold local disk
   * cost 0.2–0.4 ms a photo) behind decoding and inference.
   */
  static final int READ_AHEAD_FILES = 16;
  static final long READ_AHEAD_BYTES = 32L << 20;

  /** This thread's CPU time in nanoseconds, or 0 where the JVM cannot tell. */
  private static long threadCpuNanos() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? Math.max(0, THREADS.getCurrentThreadCpuTime()) : 0;
  }

  FeaturizePartition(ExecutorModel model, long maxFileBytes, String runId, ViewPolicy views,
      Broadcast<HadoopFiles.SerializableConfiguration> hadoopConf, TaskMetrics metrics, LongAccumulator rowsDone) {
    this.model = model;
    this.maxFileBytes = maxFileBytes;
    this.runId = runId;
    this.views = views;
    this.hadoopConf = hadoopConf;
    this.metrics = metrics;
    this.rowsDone = rowsDone;
  }

  /**
   * Each executor thread's batch of input tensors, kept across its tasks: at 600 KB an image, a fresh one per
   * partition would be a multi-megabyte humongous allocation, which starts a concurrent GC cycle on every task.
   * A thread runs one task at a time, and a task reads one partition.
   */
  private static final ThreadLocal<float[]> BATCH_TENSORS = ThreadLocal.withInitial(() -> new float[0]);

  private static float[] batchBuffer(int floats) {
    float[] buffer = BATCH_TENSORS.get();
    if (buffer.length < floats) {
      buffer = new float[floats];
      BATCH_TENSORS.set(buffer);
    }
    return buffer;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> images) {
    ModelSpec spec = model.spec();
    OnnxFeaturizer featurizer = model.open(spec);
    metrics.providers().add(featurizer.placement());
    // a batch holds at least one photo's views; a fixed-batch graph runs them in several calls (runAll)
    int batch = Math.max(ImageViews.COUNT, Math.min(model.batchSize(), featurizer.maxBatch()));
    return new BatchIterator(images, featurizer, new ImagePreprocessor(spec.input()), batch);
  }

  private final class BatchIterator extends BatchingIterator<Row> {
    /** The Hadoop configuration, taken from its broadcast on the task's thread. */
    private final org.apache.hadoop.conf.Configuration conf;
    private final OnnxFeaturizer featurizer;
    private final ImagePreprocessor preprocessor;
    private final int batch;
    private final float[] tensors;
    /** Per pending photo: how many tensors (1, or every view) it has in the batch. */
    private final int[] tensorCounts;
    private final String model;
    private final String specHash;
    /**
     * Resolved once per partition: Hadoop's FileSystem cache lookup costs about a millisecond per call. Guarded by
     * this iterator's lock: the read-ahead's threads share it.
     */
    private FileSystem fileSystem;
    private final ReadAhead<Row> reads;

    BatchIterator(Iterator<Row> images, OnnxFeaturizer featurizer, ImagePreprocessor preprocessor, int batch) {
      this.conf = hadoopConf.value().get();
      this.featurizer = featurizer;
      this.preprocessor = preprocessor;
      this.batch = batch;
      this.tensors = batchBuffer(batch * preprocessor.tensorSize());
      this.tensorCounts = new int[batch];
      this.model = featurizer.spec().name();
      this.specHash = featurizer.spec().hash();
      this.reads = new ReadAhead<>(images, this::sizeToRead, this::read, READ_AHEAD_FILES, READ_AHEAD_BYTES);
      TaskContext task = TaskContext.get();
      if (task != null) { // a task that ends early (a failure, a kill, a limit) abandons its reads in flight
        task.addTaskCompletionListener((TaskCompletionListener) context -> reads.cancel());
      }
    }


    /**
     * Prepares decodable images until the batch's tensors are full (failures go straight to the output) and runs
     * them. A photo that gets every view takes {@link ImageViews#COUNT} tensors.
     */
    @Override
    protected void fill() {
      List<Row> pending = new ArrayList<>(batch);
      int size = preprocessor.tensorSize();
      int used = 0;
      while (used < batch && reads.hasNext()) {
        if (used + ImageViews.COUNT > batch && wantsViews(reads.peek())) {
          break;
        }
        long started = System.nanoTime();
        ReadAhead.Read<Row> next;
        try {
          next = reads.next();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for a file", e);
        }
        Row image = next.item();
        long read = System.nanoTime();
        metrics.read().add(read - started);
        started = read;
        try {
          if (next.failure() != null) {
            throw next.failure();
          }
          RgbImage decoded = preprocessor.decode(next.bytes());
          int count = 1;
          if (wantsViews(image)) {
            ImageViews.prepare(preprocessor, decoded, tensors, used * size);
            count = ImageViews.COUNT;
          } else {
            preprocessor.prepare(decoded, tensors, used * size);
          }
          tensorCounts[pending.size()] = count;
          pending.add(image);
          used += count;
        } catch (ImageDecodeException e) {
          ready.add(output(image, null, null, null, e.describe()));
        } finally {
          metrics.prepare().add(System.nanoTime() - started);
        }
      }
      if (!pending.isEmpty()) {
        long started = System.nanoTime();
        long startedCpu = threadCpuNanos();
        OnnxFeaturizer.Outputs outputs = featurizer.runAllOutputs(tensors, used);
        metrics.infer().add(System.nanoTime() - started);
        metrics.inferCpu().add(threadCpuNanos() - startedCpu);
        float[][] features = outputs.features();
        int at = 0;
        for (int i = 0; i < pending.size(); i++) {
          float[] views = tensorCounts[i] == 1 ? null : ImageViews.concatenate(features, at, tensorCounts[i]);
          float[] head = outputs.head() == null ? null : ImageViews.meanOf(outputs.head(), at, tensorCounts[i]);
          ready.add(output(pending.get(i), features[at], views, head, null));
          at += tensorCounts[i];
        }
      }
      rowsDone.add(ready.size());
    }

    private boolean wantsViews(Row image) {
      return views.wantsViews(image.getString(7), image.getString(3), image.getString(0));
    }

    /** The bytes the read-ahead counts for an image: none for a file too large to be read at all. */
    private long sizeToRead(Row image) {
      long length = image.getLong(5);
      return length > maxFileBytes ? 0 : length;
    }

    /** Reads an image's file; runs on the read-ahead's threads, several at a time. */
    private byte[] read(Row image) throws ImageDecodeException {
      String path = image.getString(0);
      long length = image.getLong(5);
      if (length > maxFileBytes) {
        throw new ImageDecodeException(FailureReason.TOO_LARGE,
            "file is " + length + " bytes, above the " + maxFileBytes + "-byte limit; not read");
      }
      try {
        org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(path);
        return HadoopFiles.readFully(fileSystemOf(file), file, length);
      } catch (IOException | RuntimeException e) {
        throw ReadAhead.readFailure(e);
      }
    }

    private synchronized FileSystem fileSystemOf(org.apache.hadoop.fs.Path file) throws IOException {
      if (fileSystem == null || !sameFileSystem(fileSystem, file)) {
        fileSystem = file.getFileSystem(conf);
      }
      return fileSystem;
    }

    private static boolean sameFileSystem(FileSystem fileSystem, org.apache.hadoop.fs.Path file) {
      java.net.URI fsUri = fileSystem.getUri();
      java.net.URI uri = file.toUri();
      return uri.getScheme() == null || java.util.Objects.equals(uri.getScheme(), fsUri.getScheme())
          && java.util.Objects.equals(uri.getAuthority(), fsUri.getAuthority());
    }

    private Row output(Row image, float[] features, float[] views, float[] head, String error) {
      Object[] values = new Object[FeatureTable.SCHEMA.size()];
      for (int i = 0; i < image.size(); i++) {
        values[i] = image.get(i);
      }
      int at = image.size();
      values[at] = features;
      values[at + 1] = views;
      values[at + 2] = head;
      values[at + 3] = error;
      values[at + 4] = model;
      values[at + 5] = specHash;
      values[at + 6] = runId;
      return RowFactory.create(values);
    }
  }
}
