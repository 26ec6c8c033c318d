package com.fruits.core.image;

/**
 * Separable bilinear resampling with a support widened by the shrink factor (antialiasing, as PIL's "bilinear"),
 * from an interleaved RGB byte image to an interleaved float image. Pure Java arithmetic, so results are the same
 * on every JDK and machine.
 */
final class Resampler {
  /** Filter taps for one axis: output {@code i} reads {@code count[i]} source samples from {@code start[i]}. */
  record Taps(int[] start, int[] count, float[] weights, int maxTaps) {}

  private Resampler() {}

  /**
   * Taps mapping the source window {@code [offset, offset + span)} (in source pixels, fractional allowed) of an
   * axis of {@code sourceSize} pixels onto {@code outputSize} output pixels.
   */
  static Taps taps(int sourceSize, double offset, double span, int outputSize) {
    double scale = span / outputSize;
    double support = Math.max(1.0, scale);
    int maxTaps = (int) Math.ceil(support) * 2 + 1;
    int[] start = new int[outputSize];
    int[] count = new int[outputSize];
    float[] weights = new float[outputSize * maxTaps];
    for (int i = 0; i < outputSize; i++) {
      double center = offset + (i + 0.5) * scale;
      int lo = Math.max(0, (int) Math.floor(center - support));
      int hi = Math.min(sourceSize, (int) Math.ceil(center + support));
      double total = 0;
      int n = 0;
      for (int j = lo; j < hi && n < maxTaps; j++, n++) {
        double w = Math.max(0.0, 1.0 - Math.abs(j + 0.5 - center) / support);
        weights[i * maxTaps + n] = (float) w;
        total += w;
      }
      if (total == 0) { // window entirely outside the image: take the nearest edge pixel
        int edge = Math.min(sourceSize - 1, Math.max(0, (int) Math.floor(center)));
        lo = edge;
        n = 1;
        weights[i * maxTaps] = 1f;
        total = 1;
      }
      for (int k = 0; k < n; k++) {
        weights[i * maxTaps + k] /= (float) total;
      }
      start[i] = lo;
      count[i] = n;
    }
    return new Taps(start, count, weights, maxTaps);
  }

  /** Per-thread working memory, grown as needed and reused across images. */
  static final class Scratch {
    float[] rows = new float[0];
    float[] line = new float[0];
  }

  /**
   * Resamples {@code image} with the given taps to {@code outW × outH} and writes it as planar (CHW) floats into
   * {@code dest} from {@code offset}: tensor channel {@code c} takes RGB channel {@code sourceChannel[c]}, mapped
   * to {@code value * gain[c] + bias[c]}.
   */
  static void resample(RgbImage image, Taps horizontal, Taps vertical, int outW, int outH, Scratch scratch,
      int[] sourceChannel, float[] gain, float[] bias, float[] dest, int offset) {
    int srcW = image.width();
    byte[] src = image.pixels();
    int rowFirst = Integer.MAX_VALUE;
    int rowLast = 0;
    for (int i = 0; i < outH; i++) {
      rowFirst = Math.min(rowFirst, vertical.start()[i]);
      rowLast = Math.max(rowLast, vertical.start()[i] + vertical.count()[i]);
    }
    int rowLength = outW * 3;
    int rows = rowLast - rowFirst;
    if (scratch.rows.length < rows * rowLength) {
      scratch.rows = new float[rows * rowLength];
    }
    if (scratch.line.length < rowLength) {
      scratch.line = new float[rowLength];
    }
    float[] tmp = scratch.rows;
    float[] line = scratch.line;
    int[] hStart = horizontal.start();
    int[] hCount = horizontal.count();
    float[] hWeights = horizontal.weights();
    int hTaps = horizontal.maxTaps();
    for (int r = 0; r < rows; r++) {
      int srcRow = (rowFirst + r) * srcW * 3;
      int dstRow = r * rowLength;
      for (int x = 0; x < outW; x++) {
        int s = srcRow + hStart[x] * 3;
        int base = x * hTaps;
        float red = 0;
        float green = 0;
        float blue = 0;
        for (int k = 0, n = hCount[x]; k < n; k++, s += 3) {
          float w = hWeights[base + k];
          red += w * (src[s] & 0xFF);
          green += w * (src[s + 1] & 0xFF);
          blue += w * (src[s + 2] & 0xFF);
        }
        int d = dstRow + x * 3;
        tmp[d] = red;
        tmp[d + 1] = green;
        tmp[d + 2] = blue;
      }
    }
    int[] vStart = vertical.start();
    int[] vCount = vertical.count();
    float[] vWeights = vertical.weights();
    int vTaps = vertical.maxTaps();
    int plane = outW * outH;
    int c0 = sourceChannel[0];
    int c1 = sourceChannel[1];
    int c2 = sourceChannel[2];
    float g0 = gain[0];
    float g1 = gain[1];
    float g2 = gain[2];
    float b0 = bias[0];
    float b1 = bias[1];
    float b2 = bias[2];
    for (int y = 0; y < outH; y++) {
      int base = y * vTaps;
      int n = vCount[y];
      int t0 = (vStart[y] - rowFirst) * rowLength;
      float w0 = vWeights[base];
      if (n == 1) {
        for (int i = 0; i < rowLength; i++) {
          line[i] = w0 * tmp[t0 + i];
        }
      } else {
        // the first two taps in one pass (the common case when enlarging), then any further taps
        int t1 = t0 + rowLength;
        float w1 = vWeights[base + 1];
        for (int i = 0; i < rowLength; i++) {
          line[i] = w0 * tmp[t0 + i] + w1 * tmp[t1 + i];
        }
        for (int k = 2; k < n; k++) {
          float w = vWeights[base + k];
          int t = t0 + k * rowLength;
          for (int i = 0; i < rowLength; i++) {
            line[i] += w * tmp[t + i];
          }
        }
      }
      int out = offset + y * outW;
      for (int x = 0, p = 0; x < outW; x++, p += 3) {
        dest[out + x] = line[p + c0] * g0 + b0;
        dest[out + plane + x] = line[p + c1] * g1 + b1;
        dest[out + 2 * plane + x] = line[p + c2] * g2 + b2;
      }
    }
  }
}
