package com.fruits.server.cli;

import com.fruits.core.model.ModelResolver;
import com.fruits.core.serving.Calibrator;
import com.fruits.core.serving.ConfidenceCalibration;
import com.fruits.core.serving.FruitRecognizer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "calibrate", mixinStandardHelpOptions = true,
    description = "Fit the answer threshold on labelled photos through the serving path into calibration.json. No Spark.")
final class CalibrateCommand implements Callable<Integer> {
  @Mixin BundleOption bundle;

  @Mixin PhotosOption images;

  @Option(names = "--precision", defaultValue = "0.995",
      description = "Share of answered photos that must be right (default: ${DEFAULT-VALUE}).")
  double precision;

  @Option(names = "--floor", defaultValue = "0.5",
      description = "Never name a fruit below this probability, whatever the photos say (default: ${DEFAULT-VALUE}).")
  double floor;

  @Option(names = "--threads", description = "Photos recognised at once (default: one per core).")
  Integer threads;

  @Override
  public Integer call() {
    Path folder = images.folder();
    FruitRecognizer recognizer =
        FruitRecognizer.open(bundle.dir, new ModelResolver(ModelResolver.defaultCacheDir()), 1);
    int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    Calibrator.Result result = Calibrator.calibrate(recognizer, folder, precision, floor, workers);
    ConfidenceCalibration c = result.calibration();
    c.write(bundle.dir);
    System.out.printf(Locale.ROOT, "fruits: calibrated on %d photos in %.1fs (%d unreadable, %d with unknown labels): "
            + "top-1 %.2f%%; threshold %.4f answers %.1f%% of photos at %.2f%% precision (target %.1f%%) -> %s%n",
        c.photos(), result.seconds(), result.unreadable(), result.unknownLabel(), 100 * c.accuracy(), c.threshold(),
        100 * c.coverage(), 100 * c.answeredAccuracy(), 100 * c.targetPrecision(),
        bundle.dir.resolve(ConfidenceCalibration.FILE));
    return 0;
  }
}
