package com.fruits.core.serving;

import com.fruits.core.FruitsException;
import com.fruits.core.dataset.ImageLocation;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.progress.ProgressBar;
import com.fruits.core.taxonomy.Taxon;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Fits a {@link ConfidenceCalibration} by recognising labelled photos ({@code <folder>/<label>/<photo>}) through the
 * serving path itself — the same decoder, preprocessing, featurizer and bundle the server uses. No Spark.
 */
public final class Calibrator {
  /** What calibration measured besides the threshold. */
  public record Result(ConfidenceCalibration calibration, int unreadable, int unknownLabel, double seconds) {}

  private Calibrator() {}

  public static Result calibrate(FruitRecognizer recognizer, Path folder, double targetPrecision, double floor,
      int threads) {
    List<Path> photos = photos(folder);
    Set<String> known = new HashSet<>(recognizer.bundle().labels());
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<ConfidenceCalibration.Outcome> outcomes = new ArrayList<>();
    int unreadable = 0;
    int unknownLabel = 0;
    try (ProgressBar progress = ProgressBar.onConsole("calibrate", "photos", photos.size())) {
      List<Future<ConfidenceCalibration.Outcome>> futures = new ArrayList<>();
      for (Path photo : photos) {
        String label = ImageLocation.parse(photo.toString().replace('\\', '/')).label();
        if (!known.contains(label)) {
          unknownLabel++;
          progress.advance(1);
          continue;
        }
        futures.add(pool.submit(() -> {
          try {
            FruitRecognizer.Recognition recognition = recognizer.recognize(Files.readAllBytes(photo), 1);
            Prediction best = recognition.top().get(0);
            // a species the head doubts is never named: as if its probability reached no threshold
            boolean doubted = recognition.doubted().contains(Taxon.ofLabel(best.label()).species());
            return new ConfidenceCalibration.Outcome(doubted ? 0 : best.probability(), best.label().equals(label));
          } catch (ImageDecodeException | IOException e) {
            return null;
          } finally {
            progress.advance(1);
          }
        }));
      }
      for (Future<ConfidenceCalibration.Outcome> future : futures) {
        ConfidenceCalibration.Outcome outcome = future.get();
        if (outcome == null) {
          unreadable++;
        } else {
          outcomes.add(outcome);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FruitsException("calibration interrupted");
    } catch (ExecutionException e) {
      throw new FruitsException("calibration failed: " + e.getCause());
    } finally {
      pool.shutdownNow();
    }
    if (unknownLabel > 0 && outcomes.isEmpty()) {
      throw new FruitsException("none of the " + unknownLabel + " photos under " + folder
          + " has a label the bundle knows (expected <folder>/<label>/<photo>)");
    }
    ConfidenceCalibration calibration = ConfidenceCalibration.fit(
        outcomes.toArray(ConfidenceCalibration.Outcome[]::new), targetPrecision, floor, splitName(folder),
        recognizer.bundle().version());
    return new Result(calibration, unreadable, unknownLabel, (System.nanoTime() - start) / 1e9);
  }

  /** The folder's own name ("Test"): what the API may say about where the threshold came from, never a full path. */
  private static String splitName(Path folder) {
    Path name = folder.toAbsolutePath().normalize().getFileName();
    return name == null ? "photos" : name.toString();
  }

  /** The JPEG and PNG files under {@code folder}, in path order. */
  public static List<Path> photos(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw new FruitsException("no such folder: " + folder);
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> ImageLocation.isImageFile(p.getFileName().toString()))
          .sorted()
          .toList();
    } catch (IOException | UncheckedIOException e) {
      throw new FruitsException("cannot list " + folder + ": " + e.getMessage());
    }
  }
}
