package com.fruits.cli;

import com.fruits.core.FruitsException;
import com.fruits.core.bench.CpuInfo;
import com.fruits.core.bench.PhonePhotos;
import com.fruits.core.featurize.InferenceCeiling;
import com.fruits.core.featurize.InferenceDevice;
import com.fruits.core.featurize.InferenceSettings;
import com.fruits.core.featurize.OnnxFeaturizer;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.featurize.SharedFeaturizers;
import com.fruits.core.image.ImagePreprocessor;
import com.fruits.core.image.ViewPolicy;
import com.fruits.core.run.FeaturizeSummary;
import com.fruits.core.run.RunFolder;
import com.fruits.core.run.RunSummaries;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.FeaturizeOptions;
import com.fruits.spark.SparkSessions;
import com.fruits.storage.HadoopFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Measure (a) raw ONNX Runtime throughput on pre-decoded tensors, the ceiling, and (b) end-to-end "
        + "featurize throughput in local[*], on the same machine, in rounds; print both and their ratio.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--images", description = "Folder of photos (default: ../shared/data/fruits-360/Training; with "
      + "--phone, the photos the phone-size ones are made from, default ../shared/data/grocery-store/train).")
  Path images;

  @Option(names = "--phone", paramLabel = "N", defaultValue = "0", description = "Phone-photo mode: make N "
      + "4032x3024 JPEGs (once, into OUT/" + PHONE_PHOTOS + ") and bench on them: decode and preprocess alone, "
      + "through libjpeg-turbo and through ImageIO, then end to end; the warm-up and each round take at most the N "
      + "photos (default: 0, off).")
  int phonePhotos;

  @Option(names = "--count", defaultValue = "8000", description = "Images featurized end to end in each round "
      + "(default: ${DEFAULT-VALUE}; fewer weigh the job's fixed costs and its first wave of tasks more).")
  int count;

  @Option(names = "--batch-size", paramLabel = "N", description = "Images per inference call in the end-to-end "
      + "runs (default: " + CPU_BENCH_BATCH + " on the CPU: on a 2-core CPU, 8 measured 1-2 %% faster end to end than 1 "
      + "or 32, decoding and inference each keeping their code and data in cache for a few images in a row; "
      + InferenceDevice.GPU_BATCH_SIZE + " where a GPU may be used). The ceiling is the best of all its settings "
      + "whatever this is; the runs take its best threads per stream.")
  Integer batchSize;

  @Mixin DeviceOption device;

  /** The end-to-end runs' batch on the CPU. */
  static final int CPU_BENCH_BATCH = 8;

  @Option(names = "--rounds", defaultValue = "3", description = "End-to-end runs measured, each followed by the "
      + "ceiling's best setting once more (default: ${DEFAULT-VALUE}); the ratio is their mean.")
  int rounds;

  @Option(names = "--warmup", defaultValue = "10000", description = "Images featurized first, unmeasured, with the "
      + "same settings (default: ${DEFAULT-VALUE}: the JIT compiler reaches the code run once per image after 5,000 to "
      + "8,000 images; 0 measures a cold JVM).")
  int warmupCount;

  @Option(names = "--model-spec", paramLabel = "FILE", description = "Model spec (default: models/mobilenetv2.json).")
  Path modelSpec;

  @Option(names = "--seconds", defaultValue = "6", description = "Measuring time per ceiling setting (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--out", defaultValue = "work/bench", description = "Where the bench writes (default: ${DEFAULT-VALUE}).")
  Path out;

  /**
   * One measured end-to-end run. This machine's speed drifts by several per cent within minutes, so the run is
   * compared with the ceiling's best setting measured just before it and just after it ({@code ceilingImagesPerSecond}
   * is their mean). {@code compilerSeconds}: the time the JIT compiler's threads spent compiling during the run, CPU
   * they took from its tasks. {@code inferenceShare}: inference CPU over the featurize stage's core time (one intra-op
   * thread only, else NaN), what the ratio would be if the machine's speed held still.
   */
  record Round(FeaturizeSummary endToEnd, InferenceCeiling.Measurement ceilingAfter, double ceilingImagesPerSecond,
      double featurizeStageImagesPerSecond, double jobImagesPerSecond, double compilerSeconds, double ratio,
      double inferenceShare) {}

  /**
   * {@code compilerWaitSeconds}: how long the JIT compiler took to work off its queue after the warm-up run;
   * {@code ratio}: the mean of the rounds' ratios. In phone-photo mode, {@code phone} holds what decoding costs and
   * {@code decodeAndInferImagesPerSecond} the throughput decoding and inference alone would reach on all cores;
   * otherwise they are null and NaN. {@code device}: where inference ran ({@code cpu}, {@code cuda:N}).
   */
  record Result(String model, CpuInfo cpu, int cores, String device,
      List<InferenceCeiling.Measurement> ceilingSettings, InferenceCeiling.Measurement ceiling, int warmupImages,
      double compilerWaitSeconds, List<Round> rounds, double ratio, double ratioMin, double ratioMax,
      PhoneDecodeCost phone, double decodeAndInferImagesPerSecond) {}

  /** Inference CPU over the featurize stage's core time, or NaN where tasks run several intra-op threads. */
  static double inferenceShare(FeaturizeSummary summary) {
    double stage = summary.stageSeconds().getOrDefault("featurize", 0.0) * summary.totalCores();
    return summary.threadsPerTask() == 1 && stage > 0
        ? summary.taskSeconds().getOrDefault("inferenceCallingThreadCpu", 0.0) / stage : Double.NaN;
  }

  /**
   * The featurize stage's core time per image, split by the task timers: what inference itself cost (CPU of the
   * calling thread, comparable with the ceiling's time per image and core when tasks run one intra-op thread), the
   * time its threads waited for a core, and everything else. With one intra-op thread, also the share of the stage's
   * core time that went to inference: what the ratio to the ceiling would be were the machine's speed steady (it
   * drifts by several per cent within minutes, between the ceiling's measurements and the run).
   */
  static String whereTheTimeGoes(FeaturizeSummary summary, double ceilingImagesPerSecond) {
    double images = Math.max(1, summary.imagesProcessed());
    Map<String, Double> tasks = summary.taskSeconds();
    double perImage = 1000 / images;
    double stage = summary.stageSeconds().getOrDefault("featurize", 0.0) * summary.totalCores() * perImage;
    double inferenceCpu = tasks.getOrDefault("inferenceCallingThreadCpu", 0.0) * perImage;
    double inferenceWall = tasks.getOrDefault("inference", 0.0) * perImage;
    double prepare = tasks.getOrDefault("decodeAndPreprocess", 0.0) * perImage;
    double read = tasks.getOrDefault("read", 0.0) * perImage;
    String inference = summary.threadsPerTask() == 1
        ? String.format(Locale.ROOT, "inference %.2f ms CPU + %.2f ms waiting for a core", inferenceCpu,
            inferenceWall - inferenceCpu)
        : String.format(Locale.ROOT, "inference %.2f ms (wall clock: its CPU is spread over %d intra-op threads)",
            inferenceWall, summary.threadsPerTask());
    double inferenceShare = inferenceShare(summary);
    String share = Double.isNaN(inferenceShare) ? ""
        : String.format(Locale.ROOT, "; inference CPU is %.1f %% of the stage's core time", 100 * inferenceShare);
    return String.format(Locale.ROOT, "per image and core: featurize stage %.2f ms = %s, decode + preprocess %.2f, "
        + "read %.2f, the rest (Parquet, Spark, JIT and GC threads) %.2f; the ceiling: %.2f ms%s", stage, inference,
        prepare, read, stage - inferenceWall - prepare - read, summary.totalCores() * 1000 / ceilingImagesPerSecond,
        share);
  }

  /** The folder under {@code --out} that holds the phone-size photos. */
  static final String PHONE_PHOTOS = "phone-photos";

  /** Makes the phone-size photos (once) and measures what decoding them costs a core. */
  private PhoneDecodeCost preparePhonePhotos(Path folder, ResolvedModel model) throws Exception {
    Path sources = images != null ? images : Defaults.home().resolve("../shared/data/grocery-store/train").normalize();
    List<Path> photos = PhonePhotos.ensure(sources, phonePhotos, folder, 42);
    PhoneDecodeCost phone = PhoneDecodeCost.measure(photos, model.spec().input());
    System.out.printf(Locale.ROOT, "phone    %d photos %dx%d in %s; the first %d: %.1f MB on average, decoded at %dx%d "
        + "by %s%n", photos.size(), PhonePhotos.WIDTH, PhonePhotos.HEIGHT, folder, phone.photos(),
        phone.meanMegabytes(), phone.decodedWidth(), phone.decodedHeight(), phone.decoder());
    System.out.printf(Locale.ROOT, "phone    decode + preprocess %.1f ms a photo and core (ImageIO alone: %.1f ms)%n",
        phone.milliseconds(), phone.imageIoMilliseconds());
    return phone;
  }

  /** What decoding and inference alone reach on all cores, printed beside the Node peer's command for the photos. */
  private double decodeAndInferAlone(PhoneDecodeCost phone, int cores, double ceiling, ResolvedModel model,
      Path folder) {
    double inferenceMs = cores * 1000 / ceiling;
    double imagesPerSecond = cores * 1000 / (phone.milliseconds() + inferenceMs);
    System.out.printf(Locale.ROOT, "phone    decoding and inference alone: %.1f images/s (%d cores / (%.1f ms decode + "
        + "%.2f ms inference)); the Node peer on the same photos: node peer.mjs %s %s %d 8 2%n", imagesPerSecond,
        cores, phone.milliseconds(), inferenceMs, model.modelFile(), folder.toAbsolutePath(), phonePhotos);
    return imagesPerSecond;
  }

  @Override
  public Integer call() throws Exception {
    InferenceDevice on = device.device();
    int batch = batchSize != null ? batchSize : on.mayUseGpu() ? InferenceDevice.GPU_BATCH_SIZE : CPU_BENCH_BATCH;
    if (count < 1 || rounds < 1 || batch < 1 || warmupCount < 0 || phonePhotos < 0) {
      throw new FruitsException("--count, --rounds and --batch-size must be at least 1, --warmup and --phone at "
          + "least 0");
    }
    Path folder = images != null ? images : Defaults.home().resolve("../shared/data/fruits-360/Training").normalize();
    Path specFile = modelSpec != null ? modelSpec : Defaults.modelSpec();
    ResolvedModel model = ResolvedModel.resolve(specFile);
    int cores = Runtime.getRuntime().availableProcessors();
    CpuInfo cpu = CpuInfo.current();
    System.out.println("cpu      " + cpu.describe());
    PhoneDecodeCost phone = null;
    if (phonePhotos > 0) {
      folder = out.resolve(PHONE_PHOTOS);
      phone = preparePhonePhotos(folder, model);
      count = Math.min(count, phonePhotos);
      warmupCount = Math.min(warmupCount, phonePhotos);
    }

    List<float[]> tensors = new ArrayList<>();
    ImagePreprocessor pre = new ImagePreprocessor(model.spec().input());
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(Files::isRegularFile).limit(64).toList()) {
        tensors.add(pre.prepare(Files.readAllBytes(file)));
      }
    }
    IntFunction<OnnxFeaturizer> featurizers = threads -> SharedFeaturizers.get(model.spec(), model.modelFile(),
        InferenceSettings.on(on, threads));
    OnnxFeaturizer probe = featurizers.apply(1);
    System.out.println("device   " + probe.placement());
    List<InferenceCeiling.Measurement> measurements = new ArrayList<>();
    for (InferenceCeiling.Setting setting : InferenceCeiling.candidates(cores, on)) {
      InferenceCeiling.Measurement m = InferenceCeiling.measure(featurizers, tensors, setting, seconds);
      measurements.add(m);
      System.out.printf(Locale.ROOT, "ceiling  %-40s %8.1f images/s%n", setting, m.imagesPerSecond());
    }
    InferenceCeiling.Measurement best = measurements.stream()
        .max(java.util.Comparator.comparingDouble(InferenceCeiling.Measurement::imagesPerSecond)).orElseThrow();

    Files.createDirectories(out);
    SparkSession spark = SparkSessions.create("fruits bench", "local[*]");
    try {
      // the warm-up and the end-to-end runs: --batch-size, and the ceiling's best intra-op threads per stream
      if (warmupCount > 0) {
        FeaturizeOptions warmup = FeaturizeOptions.of(folder.toString(), out.resolve("warmup").toString(), specFile)
            .withTaxonomy(null, ViewPolicy.NONE).withSampling(warmupCount, null, 1).withExisting(true, false)
            .withExecution(batch, best.setting().threadsPerStream(), null).toBuilder().device(on).build();
        new FeaturizeJob(spark, warmup, model, false).run();
      }
      double compilerSeconds = CompilerQuiescence.await(60);
      System.out.printf(Locale.ROOT, "warm-up    %d images; then %.1f s for the JIT compiler to work off its queue%n",
          warmupCount, compilerSeconds);
      FeaturizeOptions measured = FeaturizeOptions.of(folder.toString(), out.resolve(RunFolder.FEATURES).toString(), specFile)
          .withTaxonomy(null, ViewPolicy.NONE).withSampling(count, null, 42).withExisting(true, false)
          .withExecution(batch, best.setting().threadsPerStream(), null).toBuilder().device(on).build();
      List<Round> measuredRounds = new ArrayList<>();
      double ceilingBefore = best.imagesPerSecond();
      for (int round = 1; round <= rounds; round++) {
        double compiledBefore = CompilerQuiescence.secondsCompiled();
        FeaturizeSummary summary = new FeaturizeJob(spark, measured, model, true).run();
        double compiling = CompilerQuiescence.secondsCompiled() - compiledBefore;
        InferenceCeiling.Measurement after = InferenceCeiling.measure(featurizers, tensors, best.setting(), seconds);
        double ceiling = (ceilingBefore + after.imagesPerSecond()) / 2;
        double featurizeStage = summary.imagesPerSecond();
        Round measuredRound = new Round(summary, after, ceiling, featurizeStage,
            summary.imagesProcessed() / summary.wallSeconds(), compiling, featurizeStage / ceiling,
            inferenceShare(summary));
        measuredRounds.add(measuredRound);
        System.out.printf(Locale.ROOT, "round %d/%d  featurize stage %.1f images/s, ceiling %.1f (%.1f before, %.1f "
            + "after) -> ratio %.3f; inference CPU %.1f %% of the stage's core time; JIT compiler %.1f s%n", round,
            rounds, featurizeStage, ceiling, ceilingBefore, after.imagesPerSecond(), measuredRound.ratio(),
            100 * measuredRound.inferenceShare(), compiling);
        ceilingBefore = after.imagesPerSecond();
      }
      double decodeAndInfer = phone == null ? Double.NaN
          : decodeAndInferAlone(phone, cores, best.imagesPerSecond(), model, folder);
      Round last = measuredRounds.get(measuredRounds.size() - 1);
      DoubleSummaryStatistics ratios = measuredRounds.stream().mapToDouble(Round::ratio).summaryStatistics();
      System.out.printf(Locale.ROOT, "ceiling    %8.1f images/s  (%s; mean over the rounds)%n",
          measuredRounds.stream().mapToDouble(Round::ceilingImagesPerSecond).average().orElse(0), best.setting());
      System.out.printf(Locale.ROOT, "featurize  %8.1f images/s  (featurize stage: read, decode, infer, write Parquet; "
          + "%d images, %d partitions, batch %d, %d intra-op thread(s) a task; mean over the rounds)%n",
          measuredRounds.stream().mapToDouble(Round::featurizeStageImagesPerSecond).average().orElse(0),
          last.endToEnd().imagesProcessed(), last.endToEnd().partitions(), last.endToEnd().batchSize(),
          last.endToEnd().threadsPerTask());
      System.out.printf(Locale.ROOT, "whole job  %8.1f images/s  (listing, sampling and summary included)%n",
          measuredRounds.stream().mapToDouble(Round::jobImagesPerSecond).average().orElse(0));
      System.out.printf(Locale.ROOT, "ratio      %8.3f  (featurize stage / ceiling, mean of %d rounds, %.3f to %.3f; "
          + "target >= 0.9)%n", ratios.getAverage(), rounds, ratios.getMin(), ratios.getMax());
      System.out.println("last round's " + whereTheTimeGoes(last.endToEnd(), last.ceilingImagesPerSecond()));
      Result result = new Result(model.spec().name(), cpu, cores, probe.provider(), measurements, best, warmupCount,
          compilerSeconds, measuredRounds, ratios.getAverage(), ratios.getMin(), ratios.getMax(), phone, decodeAndInfer);
      HadoopFiles.writeString(out.resolve("bench.json").toString(), RunSummaries.toJson(result),
          spark.sparkContext().hadoopConfiguration());
      System.out.println("fruits: bench summary " + out.resolve("bench.json"));
    } finally {
      spark.stop();
    }
    return 0;
  }
}
