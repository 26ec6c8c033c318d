package com.fruits.spark.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.TestImages;
import com.fruits.core.run.RunFolder;
import com.fruits.core.run.SynthesizeSummary;
import com.fruits.core.synthetic.SceneRecipe;
import com.fruits.storage.HadoopFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthesize job on a real local[2] Spark: scenes of shared studio photos on shared non-fruit backgrounds. */
class SynthesizeJobTest {
  private static final List<String> LABELS = List.of("Apricot", "Kiwi");
  private static SparkSession spark;
  @TempDir static Path studio;
  @TempDir Path work;

  @BeforeAll
  static void start() throws IOException {
    TestImages.studioFolder(studio, LABELS, 4, 0);
    spark = SparkSession.builder().master("local[2]").appName("synthesize-test")
        .config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private SynthesizeSummary run(String out, long seed) {
    String backgrounds = TestImages.sharedDir().resolve("data/imagenet-sample-nonfruit").toString();
    // named as the taxonomy knows it, so that its folders map to species
    SynthesizeOptions options = SynthesizeOptions.builder("fruits-360=" + studio, backgrounds, out).scenesPerLabel(3)
        .recipe(SceneRecipe.parse("pile,lighting,blur,noise,jpeg", 96)).seed(seed).build();
    return new SynthesizeJob(spark, options).run();
  }

  @Test
  void writesEveryPlannedSceneWithItsProvenanceAndTheSameSeedMakesTheSameScenes() throws IOException {
    String first = work.resolve("first").toString();
    SynthesizeSummary summary = run(first, 7);
    assertThat(summary.labels()).isEqualTo(LABELS.size());
    assertThat(summary.scenes()).isEqualTo(3L * LABELS.size());
    assertThat(summary.failed()).isZero();
    assertThat(summary.scenesPerBackgroundSource()).containsOnlyKeys("imagenet-sample-nonfruit");

    List<Row> scenes = spark.read().parquet(HadoopFiles.child(first, RunFolder.SCENES)).collectAsList();
    assertThat(scenes).hasSize(3 * LABELS.size());
    for (Row scene : scenes) {
      assertThat(scene.<String>getAs("label")).isIn("apricot", "kiwi");
      assertThat(scene.<String>getAs("species")).isEqualTo(scene.getAs("label"));
      assertThat(scene.<String>getAs(SynthesizeJob.PARAMETERS)).contains("\"background\"");
      assertThat(Path.of(java.net.URI.create(scene.getAs("path")))).isRegularFile();
    }
    Map<String, byte[]> images = images(first);
    assertThat(images).hasSize(3 * LABELS.size());

    List<String> names = sceneNames(first);
    assertThat(names).hasSize(scenes.size())
        .allMatch(name -> name.matches("images/Training/(apricot|kiwi)/\\d{6}\\.jpg"));

    run(work.resolve("again").toString(), 7);
    assertThat(sceneNames(work.resolve("again").toString())).as("a scene's name does not depend on the run folder")
        .isEqualTo(names);
    Map<String, byte[]> again = images(work.resolve("again").toString());
    assertThat(again.keySet()).isEqualTo(images.keySet());
    images.forEach((name, bytes) -> assertThat(again.get(name)).as(name).isEqualTo(bytes));
    run(work.resolve("other").toString(), 8);
    assertThat(images(work.resolve("other").toString()).get(images.keySet().iterator().next()))
        .isNotEqualTo(images.values().iterator().next());
  }

  /** The scenes' names, sorted; a query's names (the column form) must be the same. */
  private static List<String> sceneNames(String out) {
    Dataset<Row> scenes = spark.read().parquet(HadoopFiles.child(out, RunFolder.SCENES));
    List<String> names = scenes.select("path").as(Encoders.STRING()).collectAsList().stream()
        .map(SynthesizeJob::sceneName).sorted().toList();
    assertThat(scenes.select(SynthesizeJob.sceneName(scenes.col("path"))).as(Encoders.STRING()).collectAsList()
        .stream().sorted().toList()).isEqualTo(names);
    return names;
  }

  /** The scene images under a synthesize output, by their path below its images folder. */
  private static Map<String, byte[]> images(String out) throws IOException {
    Path root = Path.of(HadoopFiles.child(out, RunFolder.SCENE_IMAGES));
    Map<String, byte[]> images = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".jpg")).toList()) {
        images.put(root.relativize(file).toString(), Files.readAllBytes(file));
      }
    }
    return images;
  }
}
