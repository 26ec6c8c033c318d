package com.fruits.core.image;

import com.fruits.core.model.ChannelOrder;
import com.fruits.core.model.InputSpec;
import com.fruits.core.model.ResizePolicy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one preprocessing path from image bytes to a model's input tensor, shared by the batch featurizer and the
 * web server: decode ({@link ImageDecoder}) → resize per the spec's {@link ResizePolicy} → channel order →
 * {@code (pixel * scale - mean) / std} → NCHW floats.
 *
 * <p>Immutable and thread-safe; the per-call scratch buffer is thread-local.
 */
public final class ImagePreprocessor {
  private final InputSpec spec;
  private final ImageDecoder decoder;
  private final float[] gain = new float[3];
  private final float[] bias = new float[3];
  private final int[] sourceChannel = new int[3];
  /** Undoes the normalization: {@code (value - bias) * unscale} is the source channel's value in [0, 1]. */
  private final float[] unscale = new float[3];
  private final ThreadLocal<Resampler.Scratch> scratch = ThreadLocal.withInitial(Resampler.Scratch::new);
  /** Filter taps by source size: a data set's photos mostly share a few sizes. */
  private final Map<Long, Resampler.Taps[]> taps = new ConcurrentHashMap<>();

  public ImagePreprocessor(InputSpec spec) {
    this(spec, new ImageDecoder());
  }

  public ImagePreprocessor(InputSpec spec, ImageDecoder decoder) {
    this.spec = spec;
    this.decoder = decoder;
    ChannelOrder order = spec.channelOrder();
    for (int c = 0; c < 3; c++) {
      double std = spec.std().get(c);
      gain[c] = (float) (spec.scale() / std);
      bias[c] = (float) (-spec.mean().get(c) / std);
      sourceChannel[c] = order.sourceChannel(c);
      unscale[c] = 1f / (gain[c] * 255f);
    }
  }

  public InputSpec spec() {
    return spec;
  }

  /** Floats per image: 3 × height × width. */
  public int tensorSize() {
    return spec.tensorSize();
  }

  /** Decodes {@code imageBytes} and writes its tensor into {@code dest} from {@code offset}. */
  public void prepare(byte[] imageBytes, float[] dest, int offset) throws ImageDecodeException {
    prepare(decode(imageBytes), dest, offset);
  }

  /**
   * Decodes {@code imageBytes} at the smallest scale the decoder may choose that still leaves the model's input, and
   * the closer {@link ImageViews}, at least twice their size.
   */
  public RgbImage decode(byte[] imageBytes) throws ImageDecodeException {
    double fraction = spec.resize().cropFraction();
    int minWidth = (int) Math.ceil(spec.width() / fraction);
    int minHeight = (int) Math.ceil(spec.height() / fraction);
    return decoder.decode(imageBytes, minWidth, minHeight);
  }

  /** A new tensor (3 × H × W floats) for one image. */
  public float[] prepare(byte[] imageBytes) throws ImageDecodeException {
    float[] tensor = new float[tensorSize()];
    prepare(imageBytes, tensor, 0);
    return tensor;
  }

  private static long sizeKey(RgbImage image) {
    return ((long) image.width() << 32) | image.height();
  }

  /** Resizes and normalizes an already decoded image into {@code dest} from {@code offset}. */
  public void prepare(RgbImage image, float[] dest, int offset) {
    int outW = spec.width();
    int outH = spec.height();
    double srcX = 0;
    double srcY = 0;
    double spanX = image.width();
    double spanY = image.height();
    if (spec.resize().mode() == ResizePolicy.Mode.CENTER_CROP) {
      double fit = Math.min(image.width() / (double) outW, image.height() / (double) outH);
      spanX = outW * fit * spec.resize().cropFraction();
      spanY = outH * fit * spec.resize().cropFraction();
      srcX = (image.width() - spanX) / 2;
      srcY = (image.height() - spanY) / 2;
    }
    Resampler.Taps[] axes = taps.get(sizeKey(image));
    if (axes == null) {
      if (taps.size() > 256) {
        taps.clear();
      }
      axes = new Resampler.Taps[] {
        Resampler.uniform(Resampler.taps(image.width(), srcX, spanX, outW), image.width()),
        Resampler.taps(image.height(), srcY, spanY, outH)};
      taps.put(sizeKey(image), axes);
    }
    Resampler.resample(image, axes[0], axes[1], outW, outH, scratch.get(), sourceChannel, gain, bias, dest, offset);
  }

  /**
   * The sRGB colour (each component in [0, 1], clamped) of pixel {@code index} (row-major) of the tensor this
   * preprocessor wrote from {@code offset}: the channel order and normalization undone.
   */
  public void rgbAt(float[] tensors, int offset, int index, float[] rgb) {
    int plane = spec.width() * spec.height();
    for (int c = 0; c < 3; c++) {
      rgb[sourceChannel[c]] = component(tensors[offset + c * plane + index], c);
    }
  }

  /** A value of tensor channel {@code c} with the normalization undone: its source component in [0, 1], clamped. */
  float component(float value, int c) {
    return Math.min(1f, Math.max(0f, (value - bias[c]) * unscale[c]));
  }

  /** The tensor channel that holds RGB component {@code rgb} (0 red, 1 green, 2 blue). */
  int tensorChannelOf(int rgb) {
    for (int c = 0; c < 3; c++) {
      if (sourceChannel[c] == rgb) {
        return c;
      }
    }
    throw new IllegalArgumentException("no RGB component " + rgb);
  }
}
