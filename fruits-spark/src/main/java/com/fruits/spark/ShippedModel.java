package com.fruits.spark;

import com.fruits.core.FruitsException;
import com.fruits.core.Hashing;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * The ONNX model file, carried from the driver to every executor as a Spark broadcast and written once per executor
 * JVM to a local file that ONNX Runtime opens.
 *
 * <p>A broadcast rather than {@code SparkContext.addFile}: since Spark 4 a classic session isolates its artifacts, so a
 * file added to the context after the session started is not fetched for the session's SQL jobs on a cluster (local
 * mode hides this, the driver's copy being right there). A broadcast behaves the same on Spark 3.5 and 4, on any
 * cluster manager, and travels peer to peer.
 */
public final class ShippedModel implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Executor side: the local copy of each model this JVM has received, by the folder it was written to. */
  private static final Map<Path, Path> LOCAL_COPIES = new ConcurrentHashMap<>();

  private final String fileName;
  private final String sha256;
  private final Broadcast<byte[]> bytes;

  private ShippedModel(String fileName, String sha256, Broadcast<byte[]> bytes) {
    this.fileName = fileName;
    this.sha256 = sha256;
    this.bytes = bytes;
  }

  /** Reads {@code modelFile} on the driver and broadcasts it; {@link #release} when the job is done. */
  public static ShippedModel ship(SparkSession spark, Path modelFile) {
    byte[] content;
    try {
      content = Files.readAllBytes(modelFile);
    } catch (IOException e) {
      throw new FruitsException("cannot read model file " + modelFile + ": " + e.getMessage());
    }
    Broadcast<byte[]> broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(content);
    return new ShippedModel(modelFile.getFileName().toString(), Hashing.sha256Hex(content), broadcast);
  }

  /**
   * Executor side: the model as a local file, written from the broadcast on first use in this JVM, into the folder
   * Spark keeps for this application's files on this executor, which Spark removes when the executor ends.
   */
  public Path localFile() {
    // keyed by the folder too: a JVM that runs several Spark contexts in turn (tests) gets a new folder from each
    Path dir = Path.of(SparkFiles.getRootDirectory(), "fruits-models", sha256).toAbsolutePath();
    return LOCAL_COPIES.computeIfAbsent(dir, key -> {
      try {
        return Files.write(Files.createDirectories(dir).resolve(fileName), bytes.value());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the shipped model " + fileName + " to a local file", e);
      }
    });
  }

  /** Driver side: frees the broadcast on the executors (their local copies stay until the executor ends). */
  public void release() {
    bytes.unpersist(false);
  }
}
