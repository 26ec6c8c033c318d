package com.fruits.spark.ml;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Training photos collected once to the driver as floats, each with its samples (its views, or its features), for
 * every fit that {@link DriverSoftmaxRegression} makes of them: standardized there per fit, for all the photos or a
 * subset, with the labels and class weights of that subset. The executors read the arrays as {@link LabelledPhoto}s,
 * primitive arrays.
 */
final class DriverSamples {
  /** Where a photo is from and what it shows: what a subset of the photos is chosen by. */
  record Photo(String path, String source, String label) implements Serializable {}

  /** A partition's photos and their samples: photo i's rows start at {@code firstRow[i]}, row-major floats. */
  record PhotoBlock(List<Photo> photos, int[] firstRow, int rows, float[] features) implements Serializable {
    int rowsOf(int photo) {
      return (photo + 1 < photos.size() ? firstRow[photo + 1] : rows) - firstRow[photo];
    }
  }

  /** The samples of a subset standardized for a fit, and the scaler that does the same to a photo. */
  record Standardized(DriverSoftmaxRegression.Samples samples, StandardScalerModel scaler) {}

  private final List<PhotoBlock> blocks;
  private final int dimension;

  private DriverSamples(List<PhotoBlock> blocks, int dimension) {
    this.blocks = blocks;
    this.dimension = dimension;
  }

  /** The samples of {@code photos} (rows of the feature table): each view of a photo with views, else its features. */
  static DriverSamples collect(Dataset<Row> photos) {
    List<PhotoBlock> blocks = LabelledPhoto.of(photos).javaRDD().mapPartitions(DriverSamples::blocks).collect();
    int dimension = blocks.stream().filter(b -> b.rows() > 0).findFirst()
        .map(b -> b.features().length / b.rows()).orElseThrow(() -> new IllegalArgumentException("no samples"));
    return new DriverSamples(blocks, dimension);
  }

  private static Iterator<PhotoBlock> blocks(Iterator<LabelledPhoto> rows) {
    List<PhotoBlock> out = new ArrayList<>();
    List<LabelledPhoto> pending = new ArrayList<>();
    int pendingRows = 0;
    while (rows.hasNext()) {
      LabelledPhoto row = rows.next();
      pending.add(row);
      pendingRows += row.sampleCount();
      if (pendingRows >= DriverSoftmaxRegression.BLOCK_ROWS || !rows.hasNext()) {
        out.add(block(pending, pendingRows));
        pending.clear();
        pendingRows = 0;
      }
    }
    return out.iterator();
  }

  private static PhotoBlock block(List<LabelledPhoto> rows, int totalRows) {
    int d = rows.get(0).getFeatures().length;
    List<Photo> photos = new ArrayList<>(rows.size());
    int[] firstRow = new int[rows.size()];
    float[] features = new float[totalRows * d];
    int row = 0;
    for (int i = 0; i < rows.size(); i++) {
      LabelledPhoto r = rows.get(i);
      photos.add(new Photo(r.getPath(), r.getSource(), r.getLabel()));
      firstRow[i] = row;
      int n = r.sampleCount();
      System.arraycopy(r.samples(), 0, features, row * d, n * d);
      row += n;
    }
    return new PhotoBlock(photos, firstRow, totalRows, features);
  }

  /** How many samples (rows) the photos hold. */
  long rows() {
    return blocks.stream().mapToLong(PhotoBlock::rows).sum();
  }

  /**
   * The samples of the photos {@code keep} accepts whose label is one of {@code labels}, standardized as Spark ML's
   * {@code StandardScaler} does with mean and standard deviation (unbiased; 0 where a feature is constant), each
   * labelled by its index in {@code labels} and weighted N / (K × n_label) over the N samples, so that every label
   * counts as much in the loss however many photos it has.
   */
  Standardized standardized(Predicate<Photo> keep, List<String> labels, String inputCol, String outputCol) {
    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < labels.size(); c++) {
      index.put(labels.get(c), c);
    }
    // the kept samples, in order: the block each comes from, its row there and its label
    List<int[]> kept = new ArrayList<>();
    long[] perLabel = new long[labels.size()];
    for (int b = 0; b < blocks.size(); b++) {
      PhotoBlock block = blocks.get(b);
      for (int i = 0; i < block.photos().size(); i++) {
        Photo photo = block.photos().get(i);
        Integer label = index.get(photo.label());
        if (label == null || !keep.test(photo)) {
          continue;
        }
        for (int r = 0; r < block.rowsOf(i); r++) {
          kept.add(new int[] {b, block.firstRow()[i] + r, label});
          perLabel[label]++;
        }
      }
    }
    int n = kept.size();
    if (n < 2) {
      throw new IllegalArgumentException("too few samples to standardize: " + n);
    }
    double[] mean = sum(kept, null);
    for (int j = 0; j < dimension; j++) {
      mean[j] /= n;
    }
    double[] std = sum(kept, mean);
    double[] scale = new double[dimension];
    for (int j = 0; j < dimension; j++) {
      std[j] = Math.sqrt(std[j] / (n - 1));
      scale[j] = std[j] == 0 ? 0 : 1 / std[j];
    }
    double[] weightOf = new double[labels.size()];
    for (int c = 0; c < labels.size(); c++) {
      weightOf[c] = classWeight(n, labels.size(), perLabel[c]);
    }
    int outBlocks = (n + DriverSoftmaxRegression.BLOCK_ROWS - 1) / DriverSoftmaxRegression.BLOCK_ROWS;
    List<DriverSoftmaxRegression.Block> out = IntStream.range(0, outBlocks).parallel().mapToObj(o -> {
      int from = o * DriverSoftmaxRegression.BLOCK_ROWS;
      int rows = Math.min(DriverSoftmaxRegression.BLOCK_ROWS, n - from);
      float[] x = new float[rows * dimension];
      int[] y = new int[rows];
      double[] w = new double[rows];
      for (int i = 0; i < rows; i++) {
        int[] sample = kept.get(from + i);
        float[] source = blocks.get(sample[0]).features();
        int at = sample[1] * dimension;
        for (int j = 0; j < dimension; j++) {
          x[i * dimension + j] = (float) ((source[at + j] - mean[j]) * scale[j]);
        }
        y[i] = sample[2];
        w[i] = weightOf[sample[2]];
      }
      return new DriverSoftmaxRegression.Block(x, y, w);
    }).toList();
    StandardScalerModel scaler = new StandardScalerModel(Identifiable$.MODULE$.randomUID("stdScal"),
        Vectors.dense(std), Vectors.dense(mean));
    scaler = scaler.copy(new ParamMap().put(scaler.withMean(), true).put(scaler.withStd(), true))
        .setInputCol(inputCol).setOutputCol(outputCol);
    return new Standardized(new DriverSoftmaxRegression.Samples(out, dimension, Math.max(labels.size(), 2)), scaler);
  }

  /**
   * The weight of each sample of a label with {@code ofLabel} of the {@code samples} samples, over {@code labels}
   * labels: N / (K × n_label), so that every label counts as much in the loss however many samples it has.
   */
  static double classWeight(long samples, int labels, long ofLabel) {
    return (double) samples / (labels * Math.max(ofLabel, 1));
  }

  /** Per feature, the sum over the kept samples of x, or of (x − mean)² where {@code mean} is given; in parallel. */
  private double[] sum(List<int[]> kept, double[] mean) {
    int chunk = 4096;
    return IntStream.range(0, (kept.size() + chunk - 1) / chunk).parallel().mapToObj(c -> {
      double[] s = new double[dimension];
      for (int i = c * chunk; i < Math.min(kept.size(), (c + 1) * chunk); i++) {
        int[] sample = kept.get(i);
        float[] source = blocks.get(sample[0]).features();
        int at = sample[1] * dimension;
        for (int j = 0; j < dimension; j++) {
          double v = mean == null ? source[at + j] : source[at + j] - mean[j];
          s[j] += mean == null ? v : v * v;
        }
      }
      return s;
    }).reduce(new double[dimension], (a, b) -> {
      double[] s = a.clone();
      for (int j = 0; j < dimension; j++) {
        s[j] += b[j];
      }
      return s;
    });
  }
}
