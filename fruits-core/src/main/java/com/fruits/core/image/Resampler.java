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
      // taps of weight zero at either end add nothing: drop them (an enlarging axis needs 2 of its 3)
      int first = 0;
      while (weights[i * maxTaps + first] == 0f) {
        first++;
      }
      while (weights[i * maxTaps + n - 1] == 0f) {
        n--;
      }
      n -= first;
      for (int k = 0; k < n; k++) {
        weights[i * maxTaps + k] = weights[i * maxTaps + first + k] / (float) total;
      }
      for (int k = n; k < maxTaps; k++) {
        weights[i * maxTaps + k] = 0f;
      }
      start[i] = lo + first;
      count[i] = n;
    }
    return new Taps(start, count, weights, maxTaps);
  }

  /**
   * These taps with every output reading the same number of source samples (zero weights fill the gaps, starts
   * move inwards at the edges): a fixed trip count the JIT compiler unrolls, for the horizontal pass, where each
   * output gathers its own samples.
   */
  static Taps uniform(Taps taps, int sourceSize) {
    int widest = 1;
    for (int n : taps.count()) {
      widest = Math.max(widest, n);
    }
    int width = Math.min(widest, sourceSize);
    int outputs = taps.start().length;
    int[] start = new int[outputs];
    int[] count = new int[outputs];
    float[] weights = new float[outputs * width];
    for (int i = 0; i < outputs; i++) {
      start[i] = Math.max(0, Math.min(taps.start()[i], sourceSize - width));
      count[i] = width;
      int shift = taps.start()[i] - start[i];
      for (int k = 0; k < taps.count()[i]; k++) {
        weights[i * width + shift + k] = taps.weights()[i * taps.maxTaps() + k];
      }
    }
    return new Taps(start, count, weights, width);
  }

  /** Per-thread working memory, grown as needed and reused across images. */
  static final class Scratch {
    float[] rows = new float[0];
  }

  /**
   * Resamples {@code image} with the given taps to {@code outW × outH} and writes it as planar (CHW) floats into
   * {@code dest} from {@code offset}: tensor channel {@code c} takes RGB channel {@code sourceChannel[c]}, mapped
   * to {@code value * gain[c] + bias[c]}. {@code horizontal} must be {@link #uniform}.
   *
   * <p>The horizontal pass reads the interleaved bytes of the source rows the output needs and writes one plane
   * per tensor channel, in 0–255 units; the vertical pass then reads and writes contiguous floats, which the JIT
   * compiler vectorizes, and normalizes on the way (each axis's weights sum to 1, so {@code gain} scales the
   * vertical weights and {@code bias} is added once).
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
    int rows = rowLast - rowFirst;
    int channelRows = rows * outW;
    if (scratch.rows.length < 3 * channelRows) {
      scratch.rows = new float[3 * channelRows];
    }
    float[] tmp = scratch.rows;
    int[] hStart = horizontal.start();
    float[] hWeights = horizontal.weights();
    int hTaps = horizontal.maxTaps();
    int c0 = sourceChannel[0];
    int c1 = sourceChannel[1];
    int c2 = sourceChannel[2];
    for (int row = 0; row < rows; row++) {
      int srcRow = (rowFirst + row) * srcW * 3;
      int d0 = row * outW;
      int d1 = channelRows + d0;
      int d2 = 2 * channelRows + d0;
      if (hTaps == 2) {
        // enlarging: neighbouring outputs share their two source pixels, which are read and converted once
        int x = 0;
        while (x < outW) {
          int first = hStart[x];
          int s = srcRow + first * 3;
          float left0 = src[s + c0] & 0xFF;
          float left1 = src[s + c1] & 0xFF;
          float left2 = src[s + c2] & 0xFF;
          float right0 = src[s + 3 + c0] & 0xFF;
          float right1 = src[s + 3 + c1] & 0xFF;
          float right2 = src[s + 3 + c2] & 0xFF;
          do {
            float w0 = hWeights[2 * x];
            float w1 = hWeights[2 * x + 1];
            tmp[d0 + x] = w0 * left0 + w1 * right0;
            tmp[d1 + x] = w0 * left1 + w1 * right1;
            tmp[d2 + x] = w0 * left2 + w1 * right2;
            x++;
          } while (x < outW && hStart[x] == first);
        }
      } else {
        for (int x = 0; x < outW; x++) {
          int s = srcRow + hStart[x] * 3;
          int base = x * hTaps;
          float sum0 = 0;
          float sum1 = 0;
          float sum2 = 0;
          for (int k = 0; k < hTaps; k++, s += 3) {
            float w = hWeights[base + k];
            sum0 += w * (src[s + c0] & 0xFF);
            sum1 += w * (src[s + c1] & 0xFF);
            sum2 += w * (src[s + c2] & 0xFF);
          }
          tmp[d0 + x] = sum0;
          tmp[d1 + x] = sum1;
          tmp[d2 + x] = sum2;
        }
      }
    }
    int[] vStart = vertical.start();
    int[] vCount = vertical.count();
    float[] vWeights = vertical.weights();
    int vTaps = vertical.maxTaps();
    int plane = outW * outH;
    for (int c = 0; c < 3; c++) {
      float g = gain[c];
      float b = bias[c];
      int planeRows = c * channelRows;
      int planeOut = offset + c * plane;
      for (int y = 0; y < outH; y++) {
        int base = y * vTaps;
        int n = vCount[y];
        int t0 = planeRows + (vStart[y] - rowFirst) * outW;
        int out = planeOut + y * outW;
        float w0 = vWeights[base] * g;
        if (n == 1) {
          for (int x = 0; x < outW; x++) {
            dest[out + x] = w0 * tmp[t0 + x] + b;
          }
          continue;
        }
        // the first two taps in one pass (the common case when enlarging), then any further taps
        int t1 = t0 + outW;
        float w1 = vWeights[base + 1] * g;
        for (int x = 0; x < outW; x++) {
          dest[out + x] = w0 * tmp[t0 + x] + w1 * tmp[t1 + x] + b;
        }
        for (int k = 2; k < n; k++) {
          float w = vWeights[base + k] * g;
          int t = t0 + k * outW;
          for (int x = 0; x < outW; x++) {
            dest[out + x] += w * tmp[t + x];
          }
        }
      }
    }
  }
}
