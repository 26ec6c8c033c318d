package com.fruits.cli;

import com.fruits.core.dataset.ImageSource;
import com.fruits.core.featurize.ResolvedModel;
import com.fruits.core.image.ViewPolicy;
import com.fruits.core.progress.JobProgress;
import com.fruits.core.run.PipelineSummary;
import com.fruits.core.run.RunFolder;
import com.fruits.core.synthetic.SceneRecipe;
import com.fruits.spark.FeaturizeOptions;
import com.fruits.spark.ml.ReduceOptions;
import com.fruits.spark.ml.TrainOptions;
import com.fruits.spark.pipeline.PipelineJob;
import com.fruits.spark.pipeline.PipelineOptions;
import com.fruits.spark.synthetic.SynthesizeJob;
import com.fruits.spark.synthetic.SynthesizeOptions;
import com.fruits.storage.HadoopFiles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = "synthesize → featurize (resumable) → reduce → train → report into one work folder; a stage whose "
        + "input has not changed since its last run is reused.")
final class PipelineCommand implements Callable<Integer> {
  @Mixin ImageSourcesOption images;

  @Option(names = "--work", required = true, paramLabel = "DIR",
      description = "Work folder: synthetic/, features/, reduced/, model/, report.html, pipeline-summary.json.")
  String work;

  @Mixin ModelSpecOption modelSpec;

  @Mixin TaxonomyOption taxonomy;

  @Option(names = "--studio", paramLabel = "SOURCE",
      description = "The studio source (white background) that synthetic scenes are made from, on the photos of no "
          + "fruit of every source; without it nothing is synthesized.")
  String studio;

  @Mixin SceneOptions scenes;

  @Option(names = "--views", paramLabel = "SOURCE=SHARE", defaultValue = DEFAULT_VIEWS,
      description = "Share of each source's Training photos featurized with every view (default: ${DEFAULT-VALUE}; "
          + "the studio source gets " + STUDIO_VIEW_SHARE + ").")
  String views;

  @Option(names = "--unseen", split = ",", paramLabel = "SOURCE",
      description = "Also measure each of these sources as never seen (a model fitted without it).")
  List<String> unseen = List.of();

  @Option(names = "--variance", defaultValue = ReduceOptions.DEFAULT_VARIANCE_TEXT,
      description = "Variance kept by reduce (default: ${DEFAULT-VALUE}).")
  double variance;

  @Option(names = "--study", split = ",", paramLabel = "SIZES", description = "k-versus-sample-size study sizes, e.g. 240,2400,all.")
  List<String> study = List.of();

  @Mixin SamplingOptions sampling;

  @Option(names = "--reg", split = ",", defaultValue = TrainOptions.DEFAULT_REG_PARAMS,
      description = "Classifier L2 candidates (default: ${DEFAULT-VALUE}).")
  List<Double> reg;

  @Option(names = "--max-iter", defaultValue = TrainOptions.DEFAULT_MAX_ITER,
      description = "Classifier L-BFGS iterations per fit (default: ${DEFAULT-VALUE}).")
  int maxIter;

  @Option(names = "--prior-weights", split = ",", paramLabel = "W", defaultValue = TrainOptions.DEFAULT_PRIOR_WEIGHTS,
      description = "Candidate weights of the ImageNet head's prior, 0 for none (default: ${DEFAULT-VALUE}).")
  List<Double> priorWeights;

  @Mixin HeadVetoOption headVeto;

  @Mixin SparkMasterOption sparkMaster;

  @Mixin DeviceOption device;

  @Option(names = "--no-progress", negatable = false, description = "Do not draw progress bars.")
  boolean noProgress;

  /** Real photos are few: all of them get every view; synthetic scenes are random crops already. */
  static final String DEFAULT_VIEWS = "default=1," + SynthesizeJob.SOURCE_NAME + "=0";
  /** Thousands of near-identical studio frames: a quarter of them with views teach the crops (Test 99.4 → 99.9 %). */
  static final double STUDIO_VIEW_SHARE = 0.25;

  @Override
  public Integer call() {
    List<ImageSource> sources = ImageSource.parseList(images.joined());
    sources.forEach(s -> LocalInputs.requireLocalPath(s.uri()));
    List<String> names = sources.stream().map(ImageSource::name).toList();
    if (studio != null && !names.contains(studio)) {
      throw new IllegalArgumentException("--studio " + studio + " is none of the --images sources " + names);
    }
    unseen.stream().filter(source -> !names.contains(source)).findFirst().ifPresent(source -> {
      throw new IllegalArgumentException("--unseen " + source + " is none of the --images sources " + names);
    });
    Path spec = modelSpec.path();
    PipelineOptions options = options(spec, sources);
    ResolvedModel resolved = ResolvedModel.resolve(spec);
    return SparkCommands.run("fruits pipeline", sparkMaster, spark -> {
      PipelineJob.ReportStep report = (folder, conf) -> RunFolderReport.write(folder, null, conf);
      PipelineSummary summary = new PipelineJob(spark, options, resolved, report, !noProgress, JobProgress.STDERR)
          .run();
      System.out.printf(Locale.ROOT, "fruits: pipeline done in %.1fs: %s; report %s%n", summary.wallSeconds(),
          summary.stages(), summary.report());
      return summary.train().describe();
    });
  }

  /** Each stage's options, in the run folder's layout. */
  private PipelineOptions options(Path spec, List<ImageSource> sources) {
    String synthetic = HadoopFiles.child(work, RunFolder.SYNTHETIC);
    String features = HadoopFiles.child(work, RunFolder.FEATURES);
    boolean synthesize = studio != null && scenes.scenesPerLabel > 0;
    SynthesizeOptions synthesizeOptions = null;
    List<String> featurized = new ArrayList<>(images.images);
    if (synthesize) {
      String studioSpec = sources.stream().filter(s -> s.name().equals(studio)).findFirst().orElseThrow()
          .toString();
      synthesizeOptions = scenes.applyTo(SynthesizeOptions.builder(studioSpec, images.joined(), synthetic),
          SceneRecipe.DEFAULT.size()).taxonomy(taxonomy.taxonomy).build();
      featurized.add(SynthesizeJob.SOURCE_NAME + "=" + HadoopFiles.child(synthetic, RunFolder.SCENE_IMAGES));
    }
    List<String> viewed = new ArrayList<>(sources.stream().map(ImageSource::name).toList());
    viewed.add(SynthesizeJob.SOURCE_NAME); // named by the default, whether or not this run makes scenes
    ViewPolicy viewPolicy = ViewPolicy.parse(views, 1).requireSources(viewed);
    if (studio != null && !views.contains(studio + "=")) {
      viewPolicy = viewPolicy.with(studio, STUDIO_VIEW_SHARE);
    }
    FeaturizeOptions featurize = sampling.applyTo(FeaturizeOptions.builder(String.join(",", featurized), features,
        spec)).taxonomy(taxonomy.taxonomy).views(viewPolicy).resume(true).compact(true).device(device.device()).build();
    ReduceOptions reduce = ReduceOptions.builder(features, HadoopFiles.child(work, RunFolder.REDUCED))
        .variance(variance).studySizes(study).overwrite(true).build();
    TrainOptions train = TrainOptions.builder(features, HadoopFiles.child(work, RunFolder.MODEL)).regParams(reg)
        .maxIter(maxIter).unseenSources(unseen).scenes(synthesize ? synthetic : null).priorWeights(priorWeights)
        .headVetoQuantile(headVeto.quantile).overwrite(true).build();
    return new PipelineOptions(work, synthesizeOptions, featurize, reduce, train);
  }
}
