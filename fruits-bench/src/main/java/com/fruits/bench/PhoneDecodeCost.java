package com.fruits.bench;

import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.image.ImageDecoder;
import com.fruits.core.image.ImagePreprocessor;
import com.fruits.core.image.RgbImage;
import com.fruits.core.image.TurboJpeg;
import com.fruits.core.model.InputSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What decoding and preprocessing phone photos costs a core, through the decoder the featurizer uses and through
 * ImageIO alone (the path without libjpeg-turbo), measured on one thread over the same photos.
 *
 * @param photos photos measured
 * @param meanMegabytes their mean file size
 * @param decodedWidth the width the featurizer's decoder left the first photo at, before resizing
 * @param decodedHeight its height
 * @param milliseconds decode and preprocess per photo and core, with the featurizer's decoder
 * @param imageIoMilliseconds the same through ImageIO alone (source subsampling)
 * @param decoder which decoder {@code milliseconds} went through
 */
public record PhoneDecodeCost(int photos, double meanMegabytes, int decodedWidth, int decodedHeight,
    double milliseconds, double imageIoMilliseconds, String decoder) {

  /** Photos measured at most: enough for a steady figure, few enough that the ImageIO pass stays short. */
  static final int MEASURED = 100;

  /** Measures the first {@value #MEASURED} photos, after one unmeasured pass over them (JIT, caches). */
  public static PhoneDecodeCost measure(List<Path> files, InputSpec input) throws ImageDecodeException {
    List<byte[]> photos = new ArrayList<>();
    long bytes = 0;
    for (Path file : files.subList(0, Math.min(MEASURED, files.size()))) {
      try {
        photos.add(Files.readAllBytes(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      bytes += photos.get(photos.size() - 1).length;
    }
    ImageDecoder decoder = new ImageDecoder();
    ImagePreprocessor featurizers = new ImagePreprocessor(input, decoder);
    ImagePreprocessor imageIo = new ImagePreprocessor(input, decoder.withoutTurbo());
    RgbImage first = featurizers.decode(photos.get(0));
    millisecondsPerPhoto(featurizers, photos);
    millisecondsPerPhoto(imageIo, photos);
    return new PhoneDecodeCost(photos.size(), bytes / 1e6 / photos.size(), first.width(), first.height(),
        millisecondsPerPhoto(featurizers, photos), millisecondsPerPhoto(imageIo, photos),
        TurboJpeg.describe());
  }

  private static double millisecondsPerPhoto(ImagePreprocessor preprocessor, List<byte[]> photos)
      throws ImageDecodeException {
    float[] tensor = new float[preprocessor.tensorSize()];
    long start = System.nanoTime();
    for (byte[] photo : photos) {
      preprocessor.prepare(photo, tensor, 0);
    }
    return (System.nanoTime() - start) / 1e6 / photos.size();
  }
}
