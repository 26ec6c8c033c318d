package com.fruits.bench;

import com.fruits.core.FruitsException;
import com.fruits.core.featurize.InferenceDevice;
import com.fruits.core.featurize.InferenceSettings;
import com.fruits.core.featurize.OnnxFeaturizer;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.featurize.SharedFeaturizers;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.image.ImagePreprocessor;
import com.fruits.core.image.ViewPolicy;
import com.fruits.core.progress.JobProgress;
import com.fruits.core.run.FeaturizeSummary;
import com.fruits.core.run.RunFolder;
import com.fruits.core.run.RunSummaries;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.FeaturizeOptions;
import com.fruits.spark.SparkSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Featurize end to end in {@code local[*]} against the ceiling (raw ONNX Runtime on pre-decoded tensors) on the same
 * machine, in rounds: what {@code fruits bench} runs. Writes {@code bench.json} into the output folder.
 */
public final class FeaturizeBenchmark {
  /** The folder under the output that holds the phone-size photos. */
  public static final String PHONE_PHOTOS = "phone-photos";
  /** The summary file in the output folder. */
  public static final String SUMMARY = "bench.json";

  /**
   * What is featurized: the photos under {@code images} or, with {@code phonePhotos > 0}, that many phone-size JPEGs
   * made from them; {@code count} images a round, after {@code warmup} unmeasured ones.
   */
  public record Workload(Path images, int phonePhotos, int count, int warmup, int rounds) {
    public Workload {
      if (count < 1 || rounds < 1 || warmup < 0 || phonePhotos < 0) {
        throw new FruitsException("--count and --rounds must be at least 1, --warmup and --phone at least 0");
      }
    }
  }

  /** How: the model, the device and images per inference call end to end, seconds per ceiling setting. */
  public record Settings(Path modelSpec, InferenceDevice device, int batchSize, double ceilingSeconds, Path out) {
    public Settings {
      if (batchSize < 1) {
        throw new FruitsException("--batch-size must be at least 1");
      }
    }
  }

  /**
   * One measured end-to-end run. This machine's speed drifts by several per cent within minutes, so the run is
   * compared with the ceiling's best setting measured just before it and just after it ({@code ceilingImagesPerSecond}
   * is their mean). {@code compilerSeconds}: the time the JIT compiler's threads spent compiling during the run, CPU
   * they took from its tasks. {@code inferenceShare}: inference CPU over the featurize stage's core time (one intra-op
   * thread only, else NaN), what the ratio would be if the machine's speed held still.
   */
  public record Round(FeaturizeSummary endToEnd, InferenceCeiling.Measurement ceilingAfter,
      double ceilingImagesPerSecond, double featurizeStageImagesPerSecond, double jobImagesPerSecond,
      double compilerSeconds, double ratio, double inferenceShare) {}

  /**
   * {@code compilerWaitSeconds}: how long the JIT compiler took to work off its queue after the warm-up run;
   * {@code ratio}: the mean of the rounds' ratios. In phone-photo mode, {@code phone} holds what decoding costs and
   * {@code decodeAndInferImagesPerSecond} the throughput decoding and inference alone would reach on all cores;
   * otherwise they are null and NaN. {@code device}: where inference ran ({@code cpu}, {@code cuda:N}).
   */
  public record Result(String model, CpuInfo cpu, int cores, String device,
      List<InferenceCeiling.Measurement> ceilingSettings, InferenceCeiling.Measurement ceiling, int warmupImages,
      double compilerWaitSeconds, List<Round> rounds, double ratio, double ratioMin, double ratioMax,
      PhoneDecodeCost phone, double decodeAndInferImagesPerSecond) {}

  private final Workload workload;
  private final Settings settings;
  private final JobProgress lines;
  private final int cores = Runtime.getRuntime().availableProcessors();

  /** {@code lines}: where the figures go as they are measured. */
  public FeaturizeBenchmark(Workload workload, Settings settings, JobProgress lines) {
    this.workload = workload;
    this.settings = settings;
    this.lines = lines;
  }

  public Result run() throws Exception {
    ResolvedModel model = ResolvedModel.resolve(settings.modelSpec());
    CpuInfo cpu = CpuInfo.current();
    lines.note("cpu      " + cpu.describe());
    Path folder = workload.images();
    PhoneDecodeCost phone = null;
    int count = workload.count();
    int warmup = workload.warmup();
    if (workload.phonePhotos() > 0) {
      folder = settings.out().resolve(PHONE_PHOTOS);
      phone = preparePhonePhotos(folder, model);
      count = Math.min(count, workload.phonePhotos());
      warmup = Math.min(warmup, workload.phonePhotos());
    }
    List<float[]> tensors = tensors(folder, model);
    IntFunction<OnnxFeaturizer> featurizers = threads -> SharedFeaturizers.get(model.spec(), model.modelFile(),
        InferenceSettings.on(settings.device(), threads));
    OnnxFeaturizer probe = featurizers.apply(1);
    lines.note("device   " + probe.placement());
    List<InferenceCeiling.Measurement> measurements = ceilingSettings(featurizers, tensors);
    InferenceCeiling.Measurement best = measurements.stream()
        .max(Comparator.comparingDouble(InferenceCeiling.Measurement::imagesPerSecond)).orElseThrow();
    Files.createDirectories(settings.out());
    SparkSession spark = SparkSessions.create("fruits bench", "local[*]");
    try {
      // the warm-up and the end-to-end runs: the batch asked for, and the ceiling's best intra-op threads per stream
      if (warmup > 0) {
        new FeaturizeJob(spark, endToEnd(folder, "warmup", warmup, 1, best), model, false).run();
      }
      double compilerSeconds = CompilerQuiescence.await(60);
      lines.note(String.format(Locale.ROOT, "warm-up    %d images; then %.1f s for the JIT compiler to work off its "
          + "queue", warmup, compilerSeconds));
      FeaturizeOptions measured = endToEnd(folder, RunFolder.FEATURES, count, 42, best);
      List<Round> rounds = rounds(spark, measured, model, featurizers, tensors, best);
      double decodeAndInfer = phone == null ? Double.NaN
          : decodeAndInferAlone(phone, best.imagesPerSecond(), model, folder);
      DoubleSummaryStatistics ratios = rounds.stream().mapToDouble(Round::ratio).summaryStatistics();
      printTotals(rounds, ratios, best);
      Result result = new Result(model.spec().name(), cpu, cores, probe.provider(), measurements, best, warmup,
          compilerSeconds, rounds, ratios.getAverage(), ratios.getMin(), ratios.getMax(), phone, decodeAndInfer);
      Files.writeString(settings.out().resolve(SUMMARY), RunSummaries.toJson(result));
      return result;
    } finally {
      spark.stop();
    }
  }

  /** Up to 64 photos of {@code folder}, decoded and preprocessed: what the ceiling runs on. */
  private static List<float[]> tensors(Path folder, ResolvedModel model) throws Exception {
    List<float[]> tensors = new ArrayList<>();
    ImagePreprocessor pre = new ImagePreprocessor(model.spec().input());
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(Files::isRegularFile).limit(64).toList()) {
        tensors.add(pre.prepare(Files.readAllBytes(file)));
      }
    }
    return tensors;
  }

  private List<InferenceCeiling.Measurement> ceilingSettings(IntFunction<OnnxFeaturizer> featurizers,
      List<float[]> tensors) throws InterruptedException {
    List<InferenceCeiling.Measurement> measurements = new ArrayList<>();
    for (InferenceCeiling.Setting setting : InferenceCeiling.candidates(cores, settings.device())) {
      InferenceCeiling.Measurement m = InferenceCeiling.measure(featurizers, tensors, setting,
          settings.ceilingSeconds());
      measurements.add(m);
      lines.note(String.format(Locale.ROOT, "ceiling  %-40s %8.1f images/s", setting, m.imagesPerSecond()));
    }
    return measurements;
  }

  private FeaturizeOptions endToEnd(Path folder, String output, int images, long seed,
      InferenceCeiling.Measurement best) {
    return FeaturizeOptions.builder(folder.toString(), settings.out().resolve(output).toString(), settings.modelSpec())
        .views(ViewPolicy.NONE).sampleTotal(images).seed(seed).overwrite(true)
        .batchSize(settings.batchSize()).threadsPerTask(best.setting().threadsPerStream()).device(settings.device())
        .build();
  }

  private List<Round> rounds(SparkSession spark, FeaturizeOptions measured, ResolvedModel model,
      IntFunction<OnnxFeaturizer> featurizers, List<float[]> tensors, InferenceCeiling.Measurement best)
      throws InterruptedException {
    List<Round> rounds = new ArrayList<>();
    double ceilingBefore = best.imagesPerSecond();
    for (int round = 1; round <= workload.rounds(); round++) {
      double compiledBefore = CompilerQuiescence.secondsCompiled();
      FeaturizeSummary summary = new FeaturizeJob(spark, measured, model, true).run();
      double compiling = CompilerQuiescence.secondsCompiled() - compiledBefore;
      InferenceCeiling.Measurement after = InferenceCeiling.measure(featurizers, tensors, best.setting(),
          settings.ceilingSeconds());
      double ceiling = (ceilingBefore + after.imagesPerSecond()) / 2;
      double featurizeStage = summary.imagesPerSecond();
      Round measuredRound = new Round(summary, after, ceiling, featurizeStage,
          summary.imagesProcessed() / summary.wallSeconds(), compiling, featurizeStage / ceiling,
          inferenceShare(summary));
      rounds.add(measuredRound);
      lines.note(String.format(Locale.ROOT, "round %d/%d  featurize stage %.1f images/s, ceiling %.1f (%.1f before, "
          + "%.1f after) -> ratio %.3f; inference CPU %.1f %% of the stage's core time; JIT compiler %.1f s", round,
          workload.rounds(), featurizeStage, ceiling, ceilingBefore, after.imagesPerSecond(), measuredRound.ratio(),
          100 * measuredRound.inferenceShare(), compiling));
      ceilingBefore = after.imagesPerSecond();
    }
    return rounds;
  }

  private void printTotals(List<Round> rounds, DoubleSummaryStatistics ratios, InferenceCeiling.Measurement best) {
    Round last = rounds.get(rounds.size() - 1);
    lines.note(String.format(Locale.ROOT, "ceiling    %8.1f images/s  (%s; mean over the rounds)",
        rounds.stream().mapToDouble(Round::ceilingImagesPerSecond).average().orElse(0), best.setting()));
    lines.note(String.format(Locale.ROOT, "featurize  %8.1f images/s  (featurize stage: read, decode, infer, write "
        + "Parquet; %d images, %d partitions, batch %d, %d intra-op thread(s) a task; mean over the rounds)",
        rounds.stream().mapToDouble(Round::featurizeStageImagesPerSecond).average().orElse(0),
        last.endToEnd().imagesProcessed(), last.endToEnd().partitions(), last.endToEnd().batchSize(),
        last.endToEnd().threadsPerTask()));
    lines.note(String.format(Locale.ROOT, "whole job  %8.1f images/s  (listing, sampling and summary included)",
        rounds.stream().mapToDouble(Round::jobImagesPerSecond).average().orElse(0)));
    lines.note(String.format(Locale.ROOT, "ratio      %8.3f  (featurize stage / ceiling, mean of %d rounds, %.3f to "
        + "%.3f; target >= 0.9)", ratios.getAverage(), rounds.size(), ratios.getMin(), ratios.getMax()));
    lines.note("last round's " + whereTheTimeGoes(last.endToEnd(), last.ceilingImagesPerSecond()));
  }

  /** Makes the phone-size photos (once) and measures what decoding them costs a core. */
  private PhoneDecodeCost preparePhonePhotos(Path folder, ResolvedModel model)
      throws IOException, ImageDecodeException {
    List<Path> photos = PhonePhotos.ensure(workload.images(), workload.phonePhotos(), folder, 42);
    PhoneDecodeCost phone = PhoneDecodeCost.measure(photos, model.spec().input());
    lines.note(String.format(Locale.ROOT, "phone    %d photos %dx%d in %s; the first %d: %.1f MB on average, decoded "
        + "at %dx%d by %s", photos.size(), PhonePhotos.WIDTH, PhonePhotos.HEIGHT, folder, phone.photos(),
        phone.meanMegabytes(), phone.decodedWidth(), phone.decodedHeight(), phone.decoder()));
    lines.note(String.format(Locale.ROOT, "phone    decode + preprocess %.1f ms a photo and core (ImageIO alone: "
        + "%.1f ms)", phone.milliseconds(), phone.imageIoMilliseconds()));
    return phone;
  }

  /** What decoding and inference alone reach on all cores, printed beside the Node peer's command for the photos. */
  private double decodeAndInferAlone(PhoneDecodeCost phone, double ceiling, ResolvedModel model, Path folder) {
    double inferenceMs = cores * 1000 / ceiling;
    double imagesPerSecond = cores * 1000 / (phone.milliseconds() + inferenceMs);
    lines.note(String.format(Locale.ROOT, "phone    decoding and inference alone: %.1f images/s (%d cores / (%.1f ms "
        + "decode + %.2f ms inference)); the Node peer on the same photos: node peer.mjs %s %s %d 8 2",
        imagesPerSecond, cores, phone.milliseconds(), inferenceMs, model.modelFile(), folder.toAbsolutePath(),
        workload.phonePhotos()));
    return imagesPerSecond;
  }

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
}
