package com.fruits.core.image;

/**
 * The views of a photo that the classifier sees: the whole photo as the model spec crops it, its mirror image, and
 * five closer crops (the centre and the four corners, each {@value #CROP} of the shorter side). A shop photo often
 * holds a bin of small fruits: the closer crops see them at the size the network was trained on.
 *
 * <p>Training on every view of a real photo multiplies the few real photos; answering with the mean of the views'
 * features steadies the answer. On the grocery photos kept back, a linear classifier went from 68 % to 80 % species
 * top-1 with the views as training samples, and to 86 % answering from their mean. The batch job and the app both
 * go through {@link #prepare}, so a photo's views are the same in both.
 */
public final class ImageViews {
  /** View 0 is the whole photo: its features are the table's {@code features}. */
  public static final int COUNT = 7;
  static final double CROP = 0.7;
  /** Per view: crop side (fraction of the shorter side), x and y position (0 left/top .. 1 right/bottom), mirrored. */
  private static final double[][] VIEWS = {
    {1, .5, .5, 0}, {1, .5, .5, 1}, {CROP, .5, .5, 0}, {CROP, 0, 0, 0}, {CROP, 1, 0, 0}, {CROP, 0, 1, 0}, {CROP, 1, 1, 0}};

  private ImageViews() {}

  /**
   * Writes the tensors of {@code image}'s {@link #COUNT} views into {@code dest} from {@code offset}, one after the
   * other. View 0 is exactly what {@link ImagePreprocessor#prepare(RgbImage, float[], int)} makes of the photo.
   */
  public static void prepare(ImagePreprocessor preprocessor, RgbImage image, float[] dest, int offset) {
    int size = preprocessor.tensorSize();
    preprocessor.prepare(image, dest, offset);
    for (int v = 1; v < COUNT; v++) {
      preprocessor.prepare(view(image, v), dest, offset + v * size);
    }
  }

  /** View {@code v} (1..COUNT-1) as a square image: a crop of the photo, mirrored for view 1. */
  static RgbImage view(RgbImage image, int v) {
    double[] spec = VIEWS[v];
    int side = Math.max(1, (int) (Math.min(image.width(), image.height()) * spec[0]));
    int x0 = (int) Math.round((image.width() - side) * spec[1]);
    int y0 = (int) Math.round((image.height() - side) * spec[2]);
    boolean mirror = spec[3] > 0;
    byte[] source = image.pixels();
    byte[] pixels = new byte[side * side * 3];
    for (int y = 0; y < side; y++) {
      int row = ((y0 + y) * image.width() + x0) * 3;
      if (!mirror) {
        System.arraycopy(source, row, pixels, y * side * 3, side * 3);
        continue;
      }
      for (int x = 0; x < side; x++) {
        int from = row + (side - 1 - x) * 3;
        int to = (y * side + x) * 3;
        pixels[to] = source[from];
        pixels[to + 1] = source[from + 1];
        pixels[to + 2] = source[from + 2];
      }
    }
    return new RgbImage(side, side, pixels);
  }

  /**
   * The {@code count} feature vectors of {@code features} from {@code from} laid one after the other: a photo's views
   * as the feature table stores them.
   */
  public static float[] concatenate(float[][] features, int from, int count) {
    int dim = features[from].length;
    float[] all = new float[count * dim];
    for (int v = 0; v < count; v++) {
      System.arraycopy(features[from + v], 0, all, v * dim, dim);
    }
    return all;
  }

  /** The mean of the {@code count} vectors of {@code vectors} from {@code from} (the vector itself when one). */
  public static float[] meanOf(float[][] vectors, int from, int count) {
    if (count == 1) {
      return vectors[from];
    }
    float[] mean = new float[vectors[from].length];
    for (int v = from; v < from + count; v++) {
      for (int i = 0; i < mean.length; i++) {
        mean[i] += vectors[v][i];
      }
    }
    for (int i = 0; i < mean.length; i++) {
      mean[i] /= count;
    }
    return mean;
  }

  /** The mean of the views' features, {@code viewFeatures} holding {@code count} vectors of {@code dim} one after the other. */
  public static float[] mean(float[] viewFeatures, int dim) {
    int count = viewFeatures.length / dim;
    float[] mean = new float[dim];
    for (int v = 0; v < count; v++) {
      for (int i = 0; i < dim; i++) {
        mean[i] += viewFeatures[v * dim + i];
      }
    }
    for (int i = 0; i < dim; i++) {
      mean[i] /= count;
    }
    return mean;
  }
}
