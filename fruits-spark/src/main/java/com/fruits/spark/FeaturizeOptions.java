package com.fruits.spark;

import com.fruits.core.dataset.ImageSource;
import com.fruits.core.featurize.InferenceDevice;
import com.fruits.core.image.ViewPolicy;
import java.nio.file.Path;
import java.util.List;

/**
 * What a featurize run is asked to do. Paths are Hadoop URIs or local paths.
 *
 * @param images one or more {@link ImageSource}s ({@code name=uri} or {@code uri}, separated by commas), each a folder
 *     or bucket prefix listed recursively for .jpg/.jpeg/.png files
 * @param out output folder: {@code table/} (Parquet), {@code summary.json}, {@code model-spec.json}
 * @param modelSpec the model spec file
 * @param sampleTotal keep this many images in total, stratified by label (null: all)
 * @param perClass keep at most this many images per label (null: all)
 * @param seed makes sampling reproducible
 * @param batchSize images per inference call (null: the {@linkplain InferenceDevice#defaultBatchSize device's};
 *     a fixed-batch model uses its own)
 * @param device where inference runs: the CPU, CUDA (falling back to the CPU with a note), or auto
 * @param threadsPerTask ONNX Runtime intra-op threads per task (null: {@code spark.task.cpus})
 * @param partitions input partitions (null: chosen from the image count and the cluster's cores)
 * @param overwrite replace an existing output
 * @param resume featurize only images not already in the output and append them
 * @param maxFileBytes files larger than this are reported as too large without being read
 * @param compact with {@code resume}: afterwards rewrite the table without the rows of photos featurized again
 *     (changed in place), which readers already skip
 * @param taxonomy the taxonomy CSV that maps the sources' folders to species (null: the one shipped in the jar)
 * @param views which photos get every {@link com.fruits.core.image.ImageViews view} (photos outside the Training
 *     split always do)
 */
public record FeaturizeOptions(
    String images,
    String out,
    Path modelSpec,
    Integer sampleTotal,
    Integer perClass,
    long seed,
    Integer batchSize,
    InferenceDevice device,
    Integer threadsPerTask,
    Integer partitions,
    boolean overwrite,
    boolean resume,
    long maxFileBytes,
    boolean compact,
    Path taxonomy,
    ViewPolicy views) {

  public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;

  public FeaturizeOptions {
    java.util.Objects.requireNonNull(views, "views");
    java.util.Objects.requireNonNull(device, "device");
    if (overwrite && resume) {
      throw new IllegalArgumentException("--overwrite and --resume cannot be used together");
    }
    if (compact && !resume) {
      throw new IllegalArgumentException("--compact works on an existing output: use it with --resume");
    }
    if (sampleTotal != null && perClass != null) {
      throw new IllegalArgumentException("--sample and --per-class cannot be used together");
    }
    if (sampleTotal != null && sampleTotal <= 0 || perClass != null && perClass <= 0) {
      throw new IllegalArgumentException("--sample and --per-class must be positive");
    }
    if (batchSize != null && batchSize <= 0) {
      throw new IllegalArgumentException("--batch-size must be positive");
    }
    if (threadsPerTask != null && threadsPerTask <= 0 || partitions != null && partitions <= 0) {
      throw new IllegalArgumentException("--threads-per-task and --partitions must be positive");
    }
  }

  /** Defaults for everything but the three required locations. */
  public static FeaturizeOptions of(String images, String out, Path modelSpec) {
    return builder(images, out, modelSpec).build();
  }

  /** A builder with the defaults for everything but the three required locations. */
  public static Builder builder(String images, String out, Path modelSpec) {
    return new Builder(images, out, modelSpec);
  }

  /** A builder holding these options, to change some of them. */
  public Builder toBuilder() {
    Builder b = new Builder(images, out, modelSpec);
    b.sampleTotal = sampleTotal;
    b.perClass = perClass;
    b.seed = seed;
    b.batchSize = batchSize;
    b.device = device;
    b.threadsPerTask = threadsPerTask;
    b.partitions = partitions;
    b.overwrite = overwrite;
    b.resume = resume;
    b.maxFileBytes = maxFileBytes;
    b.compact = compact;
    b.taxonomy = taxonomy;
    b.views = views;
    return b;
  }

  public FeaturizeOptions withSampling(Integer total, Integer perClassLimit, long sampleSeed) {
    return toBuilder().sampleTotal(total).perClass(perClassLimit).seed(sampleSeed).build();
  }

  /** Replace or append to an existing output; compaction only stays on when appending. */
  public FeaturizeOptions withExisting(boolean replace, boolean append) {
    return toBuilder().overwrite(replace).resume(append).compact(compact && append).build();
  }

  public FeaturizeOptions withExecution(Integer batch, Integer threads, Integer inputPartitions) {
    return toBuilder().batchSize(batch).threadsPerTask(threads).partitions(inputPartitions).build();
  }

  /** Images per inference call: as asked, else what suits the device. */
  public int effectiveBatchSize() {
    return batchSize != null ? batchSize : device.defaultBatchSize();
  }

  /** The sources named by {@link #images}, in order. */
  public List<ImageSource> sources() {
    return ImageSource.parseList(images);
  }

  public FeaturizeOptions withTaxonomy(Path taxonomyFile, ViewPolicy viewPolicy) {
    return toBuilder().taxonomy(taxonomyFile).views(viewPolicy).build();
  }

  /** With {@code resume}: rewrite the table without superseded rows once the new photos are in. */
  public FeaturizeOptions withCompaction(boolean compactTable) {
    return toBuilder().compact(compactTable).build();
  }

  /** Named setters for {@link FeaturizeOptions}; {@link #build} validates, in the record's constructor. */
  public static final class Builder {
    private final String images;
    private final String out;
    private final Path modelSpec;
    private Integer sampleTotal;
    private Integer perClass;
    private long seed = 42L;
    private Integer batchSize;
    private InferenceDevice device = InferenceDevice.AUTO;
    private Integer threadsPerTask;
    private Integer partitions;
    private boolean overwrite;
    private boolean resume;
    private long maxFileBytes = DEFAULT_MAX_FILE_BYTES;
    private boolean compact;
    private Path taxonomy;
    private ViewPolicy views = ViewPolicy.EVALUATION_ONLY;

    private Builder(String images, String out, Path modelSpec) {
      this.images = images;
      this.out = out;
      this.modelSpec = modelSpec;
    }

    public Builder sampleTotal(Integer value) {
      sampleTotal = value;
      return this;
    }

    public Builder perClass(Integer value) {
      perClass = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder batchSize(Integer value) {
      batchSize = value;
      return this;
    }

    public Builder device(InferenceDevice value) {
      device = value;
      return this;
    }

    public Builder threadsPerTask(Integer value) {
      threadsPerTask = value;
      return this;
    }

    public Builder partitions(Integer value) {
      partitions = value;
      return this;
    }

    public Builder overwrite(boolean value) {
      overwrite = value;
      return this;
    }

    public Builder resume(boolean value) {
      resume = value;
      return this;
    }

    public Builder maxFileBytes(long value) {
      maxFileBytes = value;
      return this;
    }

    public Builder compact(boolean value) {
      compact = value;
      return this;
    }

    public Builder taxonomy(Path value) {
      taxonomy = value;
      return this;
    }

    public Builder views(ViewPolicy value) {
      views = value;
      return this;
    }

    public FeaturizeOptions build() {
      return new FeaturizeOptions(images, out, modelSpec, sampleTotal, perClass, seed, batchSize, device,
          threadsPerTask, partitions, overwrite, resume, maxFileBytes, compact, taxonomy, views);
    }
  }
}
