package com.fruits.core.serving;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fruits.core.FruitsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;

/**
 * When the app may name a fruit: the lowest top-1 probability at which answers on labelled photos were still right
 * at least {@code targetPrecision} of the time. Below it the app says "I don't recognise this fruit" and shows its
 * closest guesses instead of a confident wrong name.
 *
 * <p>Stored beside the bundle as {@value #FILE}; it names the bundle version it was fitted for, and a calibration
 * for another version is ignored.
 *
 * @param threshold the smallest top-1 probability that is answered
 * @param targetPrecision the share of answered photos that had to be right
 * @param floor the lowest threshold allowed, whatever the photos say (never name a fruit below this probability)
 * @param split which photos it was fitted on (e.g. the Test split's folder)
 * @param photos how many photos
 * @param accuracy top-1 accuracy over all of them
 * @param coverage share of photos answered at {@code threshold}
 * @param answeredAccuracy top-1 accuracy over the answered ones
 * @param bundleVersion the {@link ServingBundle#version()} it was fitted for
 */
public record ConfidenceCalibration(double threshold, double targetPrecision, double floor, String split, int photos,
    double accuracy, double coverage, double answeredAccuracy, String bundleVersion) {
  public static final String FILE = "calibration.json";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** One labelled photo's outcome: its top-1 probability and whether the top-1 label was right. */
  public record Outcome(double topProbability, boolean correct) {}

  /**
   * Fits the threshold: among all cut-offs (each observed top-1 probability), the one that answers the most photos
   * while the answered ones are right at least {@code targetPrecision} of the time; never below {@code floor}.
   * When no cut-off reaches the target, the threshold is just above the highest probability seen (answer nothing).
   */
  public static ConfidenceCalibration fit(Outcome[] outcomes, double targetPrecision, double floor, String split,
      String bundleVersion) {
    if (outcomes.length == 0) {
      throw new FruitsException("no labelled photos to calibrate on");
    }
    if (!(targetPrecision > 0 && targetPrecision <= 1) || !(floor >= 0 && floor < 1)) {
      throw new FruitsException("target precision must be in (0, 1] and the floor in [0, 1)");
    }
    Outcome[] sorted = outcomes.clone();
    Arrays.sort(sorted, Comparator.comparingDouble(Outcome::topProbability).reversed());
    int totalCorrect = (int) Arrays.stream(sorted).filter(Outcome::correct).count();
    double threshold = Math.nextUp(sorted[0].topProbability());
    int answered = 0;
    int answeredCorrect = 0;
    int correct = 0;
    for (int i = 0; i < sorted.length; i++) {
      if (sorted[i].correct()) {
        correct++;
      }
      boolean lastOfTies = i + 1 == sorted.length || sorted[i + 1].topProbability() < sorted[i].topProbability();
      if (lastOfTies && sorted[i].topProbability() >= floor && correct >= targetPrecision * (i + 1)) {
        threshold = sorted[i].topProbability();
        answered = i + 1;
        answeredCorrect = correct;
      }
    }
    threshold = Math.max(threshold, floor);
    return new ConfidenceCalibration(threshold, targetPrecision, floor, split, sorted.length,
        (double) totalCorrect / sorted.length, (double) answered / sorted.length,
        answered == 0 ? Double.NaN : (double) answeredCorrect / answered, bundleVersion);
  }

  /** Whether a top-1 probability is high enough to name the fruit. */
  public boolean confident(double topProbability) {
    return topProbability >= threshold;
  }

  public void write(Path bundleDir) {
    try {
      Files.writeString(bundleDir.resolve(FILE), json());
    } catch (IOException e) {
      throw new FruitsException("cannot write " + bundleDir.resolve(FILE) + ": " + e.getMessage());
    }
  }

  /** The {@value #FILE} document. */
  public String json() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The calibration stored with the bundle, if there is one for this bundle's version. */
  public static Optional<ConfidenceCalibration> read(Path bundleDir, String bundleVersion) {
    Path file = bundleDir.resolve(FILE);
    try {
      ConfidenceCalibration calibration = JSON.readValue(Files.readString(file), ConfidenceCalibration.class);
      return bundleVersion.equals(calibration.bundleVersion()) ? Optional.of(calibration) : Optional.empty();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new FruitsException("cannot read " + file + ": " + e.getMessage());
    }
  }
}
