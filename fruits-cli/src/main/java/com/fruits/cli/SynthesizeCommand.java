package com.fruits.cli;

import com.fruits.core.dataset.ImageSource;
import com.fruits.spark.synthetic.SynthesizeJob;
import com.fruits.spark.synthetic.SynthesizeOptions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "synthesize", mixinStandardHelpOptions = true,
    description = "Compose real-looking scenes from studio photos (fruit cut out of the white background) on real "
        + "backgrounds, on Spark; featurize the result as the source 'synthetic'.")
final class SynthesizeCommand implements Callable<Integer> {
  @Option(names = "--studio", required = true, split = ",", paramLabel = "[NAME=]URI",
      description = "Studio source(s): their Training photos of fruit are cut out.")
  List<String> studio;

  @Option(names = "--backgrounds", required = true, split = ",", paramLabel = "[NAME=]URI",
      description = "Source(s) whose Training photos of no fruit (per the taxonomy) become backgrounds.")
  List<String> backgrounds;

  @Option(names = "--out", required = true, paramLabel = "URI",
      description = "Output folder: images/, scenes/ (Parquet provenance), summary.json.")
  String out;

  @Mixin SceneOptions scenes;

  @Option(names = "--size", defaultValue = "256", description = "Scene side in pixels (default: ${DEFAULT-VALUE}).")
  int size;

  @Mixin TaxonomyOption taxonomy;

  @Mixin SparkMasterOption sparkMaster;

  @Override
  public Integer call() {
    SynthesizeOptions options = scenes.applyTo(SynthesizeOptions.builder(String.join(",", studio),
        String.join(",", backgrounds), out), size).taxonomy(taxonomy.taxonomy).build();
    for (ImageSource source : ImageSource.parseList(options.studio() + "," + options.backgrounds())) {
      LocalInputs.requireLocalPath(source.uri());
    }
    return SparkCommands.run("fruits synthesize", sparkMaster,
        spark -> new SynthesizeJob(spark, options).run().describe());
  }
}
