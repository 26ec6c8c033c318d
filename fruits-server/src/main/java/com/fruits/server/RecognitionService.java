package com.fruits.server;

import com.fruits.core.FruitsException;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.serving.ConfidenceCalibration;
import com.fruits.core.serving.FruitRecognizer;
import com.fruits.core.serving.Prediction;
import com.fruits.core.serving.ServingBundle;
import com.fruits.server.FruitCatalog.FruitCard;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Photo bytes → the app's answer: the recognizer's top-3, the confidence rule, the fruit's card. At most
 * {@code slots} photos are recognised at once (one core each); a request that waits longer than the queue timeout
 * for a slot is refused with 503 rather than piling up.
 */
public final class RecognitionService {
  static final int TOP = 3;

  /** One candidate species. */
  public record Guess(String label, String commonName, double confidence) {}

  /** The model that answered and the rule it answered under. */
  public record ModelInfo(String version, String featurizer, int classes, double threshold, String thresholdSource,
      int catalogVersion) {}

  /** Where the time went, in milliseconds. */
  public record Latency(double total, double queue, double preprocess, double inference, double classify) {}

  /**
   * The answer for one photo. {@code recognized} is false when the top-1 confidence is below the threshold: then
   * {@code label} and {@code fruit} are null and {@code top} holds the closest guesses.
   */
  public record Answer(boolean recognized, String label, String message, List<Guess> top, FruitCard fruit, ModelInfo model,
      Latency latencyMs) {}

  private final FruitRecognizer recognizer;
  private final FruitCatalog catalog;
  private final ModelInfo model;
  private final Semaphore slots;
  private final Duration queueTimeout;

  RecognitionService(FruitRecognizer recognizer, FruitCatalog catalog, ConfidenceCalibration calibration,
      double fallbackThreshold, int slots, Duration queueTimeout) {
    ServingBundle bundle = recognizer.bundle();
    List<String> missing = catalog.missing(bundle.labels());
    if (!missing.isEmpty()) {
      throw new FruitsException("the fruit catalog (" + catalog.source() + ") has no card for " + missing
          + ": add them before serving this bundle");
    }
    this.recognizer = recognizer;
    this.catalog = catalog;
    this.model = new ModelInfo(bundle.version(), bundle.modelSpec().name(), bundle.labels().size(),
        calibration != null ? calibration.threshold() : fallbackThreshold,
        calibration != null
            ? String.format(java.util.Locale.ROOT, "calibrated on %s for %.1f%% precision", calibration.split(),
                100 * calibration.targetPrecision())
            : "default (bundle not calibrated)",
        catalog.version());
    this.slots = new Semaphore(slots, true);
    this.queueTimeout = queueTimeout;
  }

  ModelInfo model() {
    return model;
  }

  FruitCatalog catalog() {
    return catalog;
  }

  List<String> labels() {
    return recognizer.bundle().labels();
  }

  /** For tests: the semaphore that bounds concurrent recognitions. */
  Semaphore slots() {
    return slots;
  }

  Answer recognize(byte[] photo) throws ImageDecodeException, InterruptedException {
    long start = System.nanoTime();
    if (!slots.tryAcquire(queueTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new ApiException(503, "busy", "the server is busy; try again in a moment");
    }
    long acquired = System.nanoTime();
    FruitRecognizer.Recognition recognition;
    try {
      recognition = recognizer.recognize(photo, TOP);
    } finally {
      slots.release();
    }
    List<Guess> top = recognition.top().stream().map(this::guess).toList();
    Prediction best = recognition.top().get(0);
    boolean confident = best.probability() >= model.threshold();
    Latency latency = new Latency((System.nanoTime() - start) / 1e6, (acquired - start) / 1e6,
        recognition.preprocessMillis(), recognition.inferenceMillis(), recognition.classifyMillis());
    if (!confident) {
      return new Answer(false, null, "I don't recognise this fruit", top, null, model, latency);
    }
    FruitCard card = catalog.card(best.label()).orElseThrow();
    return new Answer(true, best.label(), card.commonName() + " — " + card.variety(), top, card, model, latency);
  }

  private Guess guess(Prediction prediction) {
    String name = catalog.card(prediction.label()).map(FruitCard::commonName).orElse(prediction.label());
    return new Guess(prediction.label(), name, prediction.probability());
  }
}
