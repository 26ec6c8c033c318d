package com.fruits.cli;

import com.fruits.bench.FeaturizeBenchmark;
import com.fruits.core.Installation;
import com.fruits.core.featurize.InferenceDevice;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure (a) raw ONNX Runtime throughput on pre-decoded tensors, the ceiling, and (b) end-to-end "
        + "featurize throughput in local[*], on the same machine, in rounds; print both and their ratio.")
final class BenchCommand implements Callable<Integer> {
  @Mixin ModelSpecOption modelSpec;

  @Option(names = "--images", description = "Folder of photos (default: ../shared/data/fruits-360/Training; with "
      + "--phone, the photos the phone-size ones are made from, default ../shared/data/grocery-store/train).")
  Path images;

  @Option(names = "--phone", paramLabel = "N", defaultValue = "0", description = "Phone-photo mode: make N "
      + "4032x3024 JPEGs (once, into OUT/" + FeaturizeBenchmark.PHONE_PHOTOS + ") and bench on them: decode and "
      + "preprocess alone, through libjpeg-turbo and through ImageIO, then end to end; the warm-up and each round take "
      + "at most the N photos (default: 0, off).")
  int phonePhotos;

  @Option(names = "--count", defaultValue = "8000", description = "Images featurized end to end in each round "
      + "(default: ${DEFAULT-VALUE}; fewer weigh the job's fixed costs and its first wave of tasks more).")
  int count;

  @Option(names = "--batch-size", paramLabel = "N", description = "Images per inference call in the end-to-end "
      + "runs (default: " + InferenceDevice.CPU_BATCH_SIZE + " on the CPU, as featurize; "
      + InferenceDevice.GPU_BATCH_SIZE + " where a GPU may be used). The ceiling is the best of all its settings "
      + "whatever this is; the runs take its best threads per stream.")
  Integer batchSize;

  @Mixin DeviceOption device;

  @Option(names = "--rounds", defaultValue = "3", description = "End-to-end runs measured, each followed by the "
      + "ceiling's best setting once more (default: ${DEFAULT-VALUE}); the ratio is their mean.")
  int rounds;

  @Option(names = "--warmup", defaultValue = "10000", description = "Images featurized first, unmeasured, with the "
      + "same settings (default: ${DEFAULT-VALUE}: the JIT compiler reaches the code run once per image after 5,000 to "
      + "8,000 images; 0 measures a cold JVM).")
  int warmupCount;

  @Option(names = "--seconds", defaultValue = "6", description = "Measuring time per ceiling setting (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--out", defaultValue = "work/bench", description = "Where the bench writes (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    InferenceDevice on = device.device();
    int batch = batchSize != null ? batchSize : on.defaultBatchSize();
    Path folder = images != null ? images : Installation.shared(phonePhotos > 0
        ? "data/grocery-store/train" : "data/fruits-360/Training");
    FeaturizeBenchmark.Workload workload = new FeaturizeBenchmark.Workload(folder, phonePhotos, count, warmupCount,
        rounds);
    FeaturizeBenchmark.Settings settings = new FeaturizeBenchmark.Settings(
        modelSpec.path(), on, batch, seconds, out);
    new FeaturizeBenchmark(workload, settings, System.out::println).run();
    System.out.println("fruits: bench summary " + out.resolve(FeaturizeBenchmark.SUMMARY));
    return 0;
  }
}
