package com.fruits.server;

import com.fruits.core.FruitsException;
import com.fruits.core.featurize.OnnxFeaturizer;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.serving.ConfidenceCalibration;
import com.fruits.core.serving.FruitRecognizer;
import com.fruits.core.serving.Prediction;
import com.fruits.core.serving.ServingBundle;
import com.fruits.server.FruitCatalog.FruitCard;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Photo bytes → the app's answer: the recognizer's top-3, the confidence rule, the fruit's card. Photos are
 * recognised (decoded, featurized, classified) on {@code slots} dedicated inference threads, one per core, never on
 * the HTTP threads: however many requests are in flight, the cores run exactly as many inferences as there are
 * cores, on the same threads and their warm buffers. A request whose photo has not started within the queue timeout
 * is refused with 503 rather than piling up.
 */
public final class RecognitionService implements AutoCloseable {
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
  private final ExecutorService workers;
  private final int slots;
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
    this.slots = slots;
    AtomicInteger threads = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(slots, task -> {
      Thread thread = new Thread(task, "fruits-inference-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
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

  /**
   * For tests: keeps every inference thread busy until the returned handle is closed, as a burst of slow photos
   * would.
   */
  AutoCloseable occupyAllSlots() throws InterruptedException {
    CountDownLatch busy = new CountDownLatch(slots);
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < slots; i++) {
      workers.execute(() -> {
        busy.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    busy.await();
    return release::countDown;
  }

  Answer recognize(byte[] photo) throws ImageDecodeException, InterruptedException {
    long start = System.nanoTime();
    long[] started = new long[1];
    CountDownLatch running = new CountDownLatch(1);
    FutureTask<FruitRecognizer.Recognition> task = new FutureTask<>(() -> {
      started[0] = System.nanoTime();
      running.countDown();
      return recognizer.recognize(photo, TOP);
    });
    try {
      workers.execute(task);
    } catch (RejectedExecutionException e) {
      throw stopping();
    }
    if (!running.await(queueTimeout.toMillis(), TimeUnit.MILLISECONDS) && task.cancel(false)) {
      throw busy();
    }
    FruitRecognizer.Recognition recognition = outcome(task);
    long acquired = started[0];
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

  /** The recognition's result, or the exception it threw, as the request thread's own. */
  private static FruitRecognizer.Recognition outcome(FutureTask<FruitRecognizer.Recognition> task)
      throws ImageDecodeException, InterruptedException {
    try {
      return task.get();
    } catch (CancellationException e) {
      throw busy();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ImageDecodeException decode) {
        throw decode;
      }
      if (cause instanceof OnnxFeaturizer.ClosedException) {
        throw stopping();
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalStateException(cause);
    }
  }

  private static ApiException busy() {
    return new ApiException(503, "busy", "the server is busy; try again in a moment");
  }

  private static ApiException stopping() {
    return new ApiException(503, "stopping", "the server is shutting down; try again in a moment");
  }

  @Override
  public void close() {
    workers.shutdownNow();
  }

  private Guess guess(Prediction prediction) {
    String name = catalog.card(prediction.label()).map(FruitCard::commonName).orElse(prediction.label());
    return new Guess(prediction.label(), name, prediction.probability());
  }
}
