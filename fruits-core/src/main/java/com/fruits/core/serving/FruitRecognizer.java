package com.fruits.core.serving;

import com.fruits.core.FruitsException;
import com.fruits.core.featurize.InferenceSettings;
import com.fruits.core.featurize.OnnxFeaturizer;
import com.fruits.core.featurize.SharedFeaturizers;
import com.fruits.core.image.ColorHistogram;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.image.DecodeLimits;
import com.fruits.core.image.ImageDecoder;
import com.fruits.core.image.ImagePreprocessor;
import com.fruits.core.image.ImageViews;
import com.fruits.core.model.ModelResolver;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Photo bytes → the fruit: the same {@link ImagePreprocessor} and ONNX featurizer as the batch pipeline, then the
 * {@link ServingBundle}'s classifier. Spark-free and thread-safe: what a web server holds, one per process.
 */
public final class FruitRecognizer {
  /**
   * The answer for one photo, with where the time went: the {@code top} labels, every label's probability, in
   * the bundle's label order, and the species the ImageNet head doubts ({@link HeadVeto}: never to be named).
   */
  public record Recognition(List<Prediction> top, double[] probabilities, Set<String> doubted,
      double preprocessMillis, double inferenceMillis, double classifyMillis) {}

  private final ServingBundle bundle;
  private final ImagePreprocessor preprocessor;
  private final OnnxFeaturizer featurizer;
  /** Per calling thread: one photo's input tensor (padded to a fixed batch), reused from photo to photo. */
  private final ThreadLocal<float[]> tensorBuffer;

  /** Whether the classifier answers from the mean of the photo's {@link ImageViews} (as it was trained to). */
  private final boolean views;

  private FruitRecognizer(ServingBundle bundle, ImagePreprocessor preprocessor, OnnxFeaturizer featurizer) {
    this.bundle = bundle;
    this.preprocessor = preprocessor;
    this.featurizer = featurizer;
    this.views = bundle.metadata().path("views").asInt(1) > 1;
    int tensors = Math.max(views ? ImageViews.COUNT : 1,
        featurizer.maxBatch() == Integer.MAX_VALUE ? 1 : featurizer.maxBatch());
    this.tensorBuffer = ThreadLocal.withInitial(() -> new float[tensors * preprocessor.tensorSize()]);
  }

  /**
   * Loads the bundle in {@code bundleDir} and opens the featurizer its model spec names (the file, or its URL
   * through {@code resolver}), refusing a model whose spec hash differs from the one the classifier was trained on.
   */
  public static FruitRecognizer open(Path bundleDir, ModelResolver resolver, int intraOpThreads) {
    return open(bundleDir, resolver, intraOpThreads, DecodeLimits.defaults());
  }

  /** As {@link #open(Path, ModelResolver, int)}, refusing photos that would cost more to decode than {@code limits}. */
  public static FruitRecognizer open(Path bundleDir, ModelResolver resolver, int intraOpThreads, DecodeLimits limits) {
    return open(bundleDir, resolver, InferenceSettings.cpu(intraOpThreads), limits);
  }

  /** As {@link #open(Path, ModelResolver, int, DecodeLimits)}, inference running as {@code settings} say. */
  public static FruitRecognizer open(Path bundleDir, ModelResolver resolver, InferenceSettings settings,
      DecodeLimits limits) {
    ServingBundle bundle = ServingBundle.load(bundleDir);
    if (!bundle.modelSpec().hash().equals(bundle.specHash())) {
      throw new FruitsException("bundle " + bundleDir + " was trained on features of spec " + bundle.specHash()
          + " but carries spec " + bundle.modelSpec().hash());
    }
    if (bundle.usesColor() && !bundle.color().descriptor().equals(ColorHistogram.DESCRIPTOR)) {
      throw new FruitsException("bundle " + bundleDir + " needs the colour descriptor " + bundle.color().descriptor()
          + "; this build computes " + ColorHistogram.DESCRIPTOR);
    }
    Path modelFile = resolver.resolve(bundle.modelSpec().source());
    OnnxFeaturizer featurizer = SharedFeaturizers.get(bundle.modelSpec(), modelFile, settings);
    if (bundle.usesHead() && !bundle.modelSpec().output().hasHead()) {
      throw new FruitsException("bundle " + bundleDir + " weighs the ImageNet head in, but its model spec names no "
          + "output.head");
    }
    if (featurizer.featureDimension() != bundle.featureDimension()) {
      throw new FruitsException("model gives " + featurizer.featureDimension() + "-d features, the bundle expects "
          + bundle.featureDimension());
    }
    return new FruitRecognizer(bundle,
        new ImagePreprocessor(bundle.modelSpec().input(), new ImageDecoder(limits)), featurizer);
  }

  public ServingBundle bundle() {
    return bundle;
  }

  /** The execution provider the model runs on: {@code cpu} or {@code cuda:N}. */
  public String device() {
    return featurizer.provider();
  }

  /** Why the model runs on the CPU although a GPU was asked for (or allowed), or null. */
  public String deviceFallback() {
    return featurizer.fallback();
  }

  /** The model's features of one photo's whole view, as the batch featurizer computes them. */
  public float[] features(byte[] image) throws ImageDecodeException {
    return featurizer.run(tensor(image), 1)[0];
  }

  /**
   * One photo's input tensor in this thread's buffer, padded to the graph's batch when it is fixed (the padding
   * rows hold whatever the thread's previous photo left: each image's features depend only on its own row).
   */
  private float[] tensor(byte[] image) throws ImageDecodeException {
    float[] tensors = tensorBuffer.get();
    preprocessor.prepare(image, tensors, 0);
    return tensors;
  }

  /**
   * The {@code top} most probable labels for one photo, and every label's probability. A bundle trained on views
   * answers from the mean of the photo's {@link ImageViews} features, exactly as the training scored its photos.
   */
  public Recognition recognize(byte[] image, int top) throws ImageDecodeException {
    long start = System.nanoTime();
    float[] tensors = tensorBuffer.get();
    int count = 1;
    if (views) {
      ImageViews.prepare(preprocessor, preprocessor.decode(image), tensors, 0);
      count = ImageViews.COUNT;
    } else {
      preprocessor.prepare(image, tensors, 0);
    }
    float[] color = bundle.usesColor() ? ColorHistogram.of(preprocessor, tensors, 0) : null;
    long prepared = System.nanoTime();
    OnnxFeaturizer.Outputs all = featurizer.runAllOutputs(tensors, count);
    float[] features = ImageViews.meanOf(all.features(), 0, count);
    float[] head = bundle.usesHead() ? ImageViews.meanOf(all.head(), 0, count) : null;
    long inferred = System.nanoTime();
    double[] probabilities = bundle.probabilities(features, color, head);
    List<Prediction> best = bundle.top(probabilities, top);
    long classified = System.nanoTime();
    return new Recognition(best, probabilities, bundle.doubted(head), (prepared - start) / 1e6,
        (inferred - prepared) / 1e6, (classified - inferred) / 1e6);
  }
}
