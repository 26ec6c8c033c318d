package com.fruits.server;

import com.fruits.core.FruitsException;
import com.fruits.core.featurize.OnnxFeaturizer;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.serving.ConfidenceCalibration;
import com.fruits.core.serving.FruitRecognizer;
import com.fruits.core.serving.ServingBundle;
import com.fruits.core.serving.SpeciesAnswers;
import com.fruits.core.taxonomy.Taxon;
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
import java.util.concurrent.atomic.AtomicReference;

/**
 * Photo bytes → the app's answer ({@link SpeciesAnswers}): the species, the variety when the model is sure of it,
 * or "this is not a fruit I know" with the closest guesses; and the species' card. Photos are
 * recognised (decoded, featurized, classified) on {@code slots} dedicated inference threads, one per core, never on
 * the HTTP threads: however many requests are in flight, the cores run exactly as many inferences as there are
 * cores, on the same threads and their warm buffers. A request whose photo has not started within the queue timeout
 * is refused with 503 rather than piling up.
 */
public final class RecognitionService implements AutoCloseable {
  static final int TOP = 3;
  /** For bundles that do not say from which probability within its species a variety is named. */
  static final double DEFAULT_VARIETY_CONFIDENCE = 0.6;
  static final String NOT_RECOGNIZED = "I don't recognise this fruit";
  static final String NOT_A_FRUIT = "This is not a fruit I know";

  /**
   * One candidate species. {@code label} is the species as the catalog and the taxonomy name it; {@code variety} its
   * most probable variety when the model knows varieties of it ({@code varietyConfidence}: its probability within
   * the species).
   */
  public record Guess(String label, String commonName, double confidence, String species, String variety,
      Double varietyConfidence) {}

  /**
   * The model that answered, the rule it answered under, and where it ran ({@code device}: {@code cpu},
   * {@code cuda:N}).
   */
  public record ModelInfo(String version, String featurizer, int classes, double threshold, String thresholdSource,
      int catalogVersion, String device) {}

  /** Where the time went, in milliseconds. */
  public record Latency(double total, double queue, double preprocess, double inference, double classify) {}

  /**
   * The answer for one photo. {@code recognized} is false when the most probable species is no fruit or its
   * confidence is below the threshold: then {@code label}, {@code species} and {@code fruit} are null and
   * {@code top} holds the closest fruit guesses. {@code variety} is named only when the model is sure of it.
   */
  public record Answer(boolean recognized, String label, String species, String variety, String message,
      List<Guess> top, FruitCard fruit, ModelInfo model, Latency latencyMs) {}

  /** A bundle ready to answer: requests take the one current when they arrive and finish on it. */
  private record Model(FruitRecognizer recognizer, SpeciesAnswers answers, double varietyConfidence, ModelInfo info) {}

  private final AtomicReference<Model> current = new AtomicReference<>();
  private final double fallbackThreshold;
  private final FruitCatalog catalog;
  private final ExecutorService workers;
  private final int slots;
  private final Duration queueTimeout;
  private final AtomicInteger waiting = new AtomicInteger();
  private final ServerMetrics metrics;

  RecognitionService(FruitRecognizer recognizer, FruitCatalog catalog, ConfidenceCalibration calibration,
      double fallbackThreshold, int slots, Duration queueTimeout) {
    this.catalog = catalog;
    this.fallbackThreshold = fallbackThreshold;
    this.metrics = new ServerMetrics(waiting::get);
    swap(recognizer, calibration);
    this.slots = slots;
    AtomicInteger threads = new AtomicInteger();
    this.workers = Executors.newFixedThreadPool(slots, task -> {
      Thread thread = new Thread(task, "fruits-inference-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.queueTimeout = queueTimeout;
  }

  /**
   * Answers every request that arrives from now on with {@code recognizer}; requests already running finish on the
   * model they started with. Refused, leaving the current model in place, when the catalog lacks a card it needs.
   */
  void swap(FruitRecognizer recognizer, ConfidenceCalibration calibration) {
    ServingBundle bundle = recognizer.bundle();
    SpeciesAnswers answers = new SpeciesAnswers(bundle.labels());
    List<String> missing = catalog.missing(answers.species().stream()
        .filter(species -> !Taxon.NOT_A_FRUIT_SPECIES.equals(species)).toList());
    if (!missing.isEmpty()) {
      throw new FruitsException("the fruit catalog (" + catalog.source() + ") has no card for " + missing
          + ": add them before serving this bundle");
    }
    ModelInfo info = new ModelInfo(bundle.version(), bundle.modelSpec().name(), bundle.labels().size(),
        calibration != null ? calibration.threshold() : fallbackThreshold,
        calibration != null
            ? String.format(java.util.Locale.ROOT, "calibrated on %s for %.1f%% precision", calibration.split(),
                100 * calibration.targetPrecision())
            : "default (bundle not calibrated)",
        catalog.version(), recognizer.device());
    current.set(new Model(recognizer, answers,
        bundle.metadata().path("varietyConfidence").asDouble(DEFAULT_VARIETY_CONFIDENCE), info));
    metrics.model(info.version(), info.featurizer());
  }

  ModelInfo model() {
    return current.get().info();
  }

  ServerMetrics metrics() {
    return metrics;
  }

  FruitCatalog catalog() {
    return catalog;
  }

  /** The species the model answers (not-a-fruit left out). */
  List<String> species() {
    return current.get().answers().species().stream().filter(s -> !Taxon.NOT_A_FRUIT_SPECIES.equals(s)).toList();
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
    Model model = current.get();
    long[] started = new long[1];
    CountDownLatch running = new CountDownLatch(1);
    FutureTask<FruitRecognizer.Recognition> task = new FutureTask<>(() -> {
      started[0] = System.nanoTime();
      waiting.decrementAndGet();
      running.countDown();
      return model.recognizer().recognize(photo, TOP);
    });
    waiting.incrementAndGet();
    try {
      workers.execute(task);
    } catch (RejectedExecutionException e) {
      waiting.decrementAndGet();
      throw stopping();
    }
    if (!running.await(queueTimeout.toMillis(), TimeUnit.MILLISECONDS) && task.cancel(false)) {
      waiting.decrementAndGet();
      throw busy();
    }
    FruitRecognizer.Recognition recognition = outcome(task);
    long acquired = started[0];
    metrics.slotWait(Duration.ofNanos(acquired - start));
    ModelInfo info = model.info();
    SpeciesAnswers.Answer answer = model.answers().answer(recognition.probabilities(), recognition.doubted(),
        info.threshold(), model.varietyConfidence(), TOP);
    List<Guess> top = answer.guesses().stream().map(this::guess).toList();
    Latency latency = new Latency((System.nanoTime() - start) / 1e6, (acquired - start) / 1e6,
        recognition.preprocessMillis(), recognition.inferenceMillis(), recognition.classifyMillis());
    if (!answer.recognized()) {
      String message = answer.best().isFruit() ? NOT_RECOGNIZED : NOT_A_FRUIT;
      return new Answer(false, null, null, null, message, top, null, info, latency);
    }
    SpeciesAnswers.Guess best = answer.best();
    FruitCard card = catalog.card(best.species()).orElseThrow();
    String variety = answer.varietyNamed() ? best.variety() : null;
    String message = card.commonName() + (variety != null ? " — probably " + variety : "");
    return new Answer(true, best.species(), best.species(), variety, message, top, card, info, latency);
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

  private Guess guess(SpeciesAnswers.Guess guess) {
    String name = catalog.card(guess.species()).map(FruitCard::commonName).orElse(guess.species());
    return new Guess(guess.species(), name, guess.probability(), guess.species(), guess.variety(),
        guess.variety() == null ? null : guess.varietyProbability());
  }
}
