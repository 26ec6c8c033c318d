package com.fruits.spark.synthetic;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fruits.core.FruitsException;
import com.fruits.core.dataset.ImageLocation;
import com.fruits.core.dataset.ImageSource;
import com.fruits.core.image.ImageDecodeException;
import com.fruits.core.image.ImageDecoder;
import com.fruits.core.progress.JobProgress;
import com.fruits.core.run.RunFolder;
import com.fruits.core.run.SynthesizeSummary;
import com.fruits.core.synthetic.SceneRecipe;
import com.fruits.core.synthetic.SceneSynthesizer;
import com.fruits.core.taxonomy.Taxon;
import com.fruits.core.taxonomy.Taxonomy;
import com.fruits.spark.FeatureTable;
import com.fruits.spark.FeaturizeJob;
import com.fruits.spark.ImageListing;
import com.fruits.spark.SparkJob;
import com.fruits.storage.HadoopFiles;
import com.fruits.storage.Summaries;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Makes real-looking training photos from studio photos at scale: for each label of the studio source(s), a fixed
 * number of {@link SceneSynthesizer scenes}, each from a few studio photos of that label and one background (a
 * Training photo of no fruit from the background sources). The driver plans every scene (its photos, background
 * and seed) from the run's seed; executors read, compose and write them, so the output is the same however the
 * work is spread. A scene that cannot be made (an unreadable photo) becomes a row with an error, never a failed job.
 *
 * <pre>
 * &lt;out&gt;/images/Training/&lt;label&gt;/&lt;n&gt;.jpg   the scenes, laid out as a source labelled by its folders
 * &lt;out&gt;/scenes/                           Parquet: path, label, species, variety, background source, parameters (JSON), error
 * &lt;out&gt;/summary.json
 * </pre>
 */
public final class SynthesizeJob extends SparkJob<SynthesizeOptions, SynthesizeSummary> {
  public static final String SOURCE_NAME = "synthetic";
  public static final String BACKGROUND_SOURCE = "background_source";
  public static final String PARAMETERS = "parameters";
  static final int SCENES_PER_PARTITION = 512;
  /** Path segments that name a scene wherever its run folder lies: {@code images/Training/<label>/<n>.jpg}. */
  private static final int SCENE_NAME_SEGMENTS = 4;

  static final StructType SCENES_SCHEMA = new StructType()
      .add(FeatureTable.PATH, DataTypes.StringType, false)
      .add(FeatureTable.LABEL, DataTypes.StringType, false)
      .add(FeatureTable.SPECIES, DataTypes.StringType, false)
      .add(FeatureTable.VARIETY, DataTypes.StringType, true)
      .add(BACKGROUND_SOURCE, DataTypes.StringType, false)
      .add(PARAMETERS, DataTypes.StringType, true)
      .add(FeatureTable.ERROR, DataTypes.StringType, true);

  public SynthesizeJob(SparkSession spark, SynthesizeOptions options) {
    super(spark, options, JobProgress.SILENT);
  }

  /** One planned scene: everything an executor needs to make it. */
  record Plan(long index, String label, List<String> fruits, String background, String backgroundSource,
      String output) implements Serializable {}

  @Override
  public SynthesizeSummary run() {
    long started = System.nanoTime();
    Instant startedAt = Instant.now();
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Map<String, Double> stages = new LinkedHashMap<>();
    // qualified, so the scenes' paths match the feature table's (the listing qualifies every path)
    String out = HadoopFiles.qualified(options.out(), conf);
    HadoopFiles.prepareOutput(out, true, false, null, conf);

    long t = System.nanoTime();
    Taxonomy taxonomy = Taxonomy.loadOrBundled(options.taxonomy());
    Map<String, List<String>> studio = new TreeMap<>();
    long studioPhotos = 0;
    for (Row r : ImageListing.rows(spark, ImageSource.parseList(options.studio()), taxonomy, ImageSource.DEFAULT_HOLDOUT)) {
      if (ImageLocation.TRAINING.equals(r.getString(3)) && r.getString(1) != null
          && Taxon.ofLabel(r.getString(1)).isFruit()) {
        studio.computeIfAbsent(r.getString(1), k -> new ArrayList<>()).add(r.getString(0));
        studioPhotos++;
      }
    }
    List<String[]> backgrounds = new ArrayList<>(); // path, source
    for (Row r : ImageListing.rows(spark, ImageSource.parseList(options.backgrounds()), taxonomy,
        ImageSource.DEFAULT_HOLDOUT)) {
      if (ImageLocation.TRAINING.equals(r.getString(3)) && Taxon.NOT_A_FRUIT_SPECIES.equals(r.getString(8))) {
        backgrounds.add(new String[] {r.getString(0), r.getString(7)});
      }
    }
    if (studio.isEmpty()) {
      throw new FruitsException("no Training photos of fruit in the studio source(s) " + options.studio());
    }
    if (backgrounds.isEmpty()) {
      throw new FruitsException("no Training photos of '" + Taxon.NOT_A_FRUIT_SPECIES + "' to use as backgrounds in "
          + options.backgrounds());
    }
    studio.values().forEach(java.util.Collections::sort);
    backgrounds.sort(java.util.Comparator.comparing(b -> b[0]));
    List<Plan> plans = plan(studio, backgrounds, out);
    stages.put("plan", FeaturizeJob.seconds(t));

    t = System.nanoTime();
    int cores = spark.sparkContext().defaultParallelism();
    int partitions = (int) Math.max(1, Math.min(plans.size(),
        Math.max(2L * cores, (plans.size() + SCENES_PER_PARTITION - 1) / SCENES_PER_PARTITION)));
    Broadcast<HadoopFiles.SerializableConfiguration> hadoopConf = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new HadoopFiles.SerializableConfiguration(conf));
    Dataset<Row> scenes;
    try {
      spark.sparkContext().setJobDescription("fruits synthesize " + plans.size() + " scenes");
      scenes = spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext())
          .parallelize(plans, partitions).mapPartitions(new Compose(options.recipe(), options.seed(), hadoopConf)),
          SCENES_SCHEMA);
      scenes.write().mode(SaveMode.ErrorIfExists).parquet(HadoopFiles.child(out, RunFolder.SCENES));
    } finally {
      spark.sparkContext().setJobDescription(null);
      hadoopConf.destroy();
    }
    double composeSeconds = FeaturizeJob.seconds(t);
    stages.put("compose", composeSeconds);

    t = System.nanoTime();
    Dataset<Row> written = spark.read().parquet(HadoopFiles.child(out, RunFolder.SCENES));
    long failed = written.where(written.col(FeatureTable.ERROR).isNotNull()).count();
    Map<String, Long> perBackground = new TreeMap<>();
    written.groupBy(BACKGROUND_SOURCE).count().collectAsList()
        .forEach(r -> perBackground.put(r.getString(0), r.getLong(1)));
    stages.put("summarize", FeaturizeJob.seconds(t));
    SynthesizeSummary summary = new SynthesizeSummary("synthesize", startedAt.toString(), options.studio(),
        options.backgrounds(), out, taxonomy.version(), options.recipe().describe(), options.seed(),
        options.scenesPerLabel(), studio.size(), studioPhotos, backgrounds.size(), plans.size(), failed, perBackground,
        plans.isEmpty() ? 0 : Math.round(1e4 * composeSeconds * cores / plans.size()) / 10.0, stages,
        FeaturizeJob.seconds(started));
    Summaries.write(HadoopFiles.child(out, RunFolder.SUMMARY), summary, conf);
    return summary;
  }

  /** A scene's name within its run, the last {@link #SCENE_NAME_SEGMENTS} segments of its path: copies keep it. */
  public static String sceneName(String path) {
    int start = path.length();
    for (int i = 0; i < SCENE_NAME_SEGMENTS && start > 0; i++) {
      start = path.lastIndexOf('/', start - 1);
    }
    return path.substring(start + 1);
  }

  /** {@link #sceneName(String)} of a column of paths, for a query. */
  public static Column sceneName(Column path) {
    return functions.substring_index(path, "/", -SCENE_NAME_SEGMENTS);
  }

  /** Every scene's inputs, drawn from the run's seed alone. */
  private List<Plan> plan(Map<String, List<String>> studio, List<String[]> backgrounds, String out) {
    SplittableRandom random = new SplittableRandom(options.seed());
    List<Plan> plans = new ArrayList<>();
    String images = HadoopFiles.child(HadoopFiles.child(out, RunFolder.SCENE_IMAGES), ImageLocation.TRAINING);
    long index = 0;
    for (Map.Entry<String, List<String>> label : studio.entrySet()) {
      List<String> photos = label.getValue();
      for (int i = 0; i < options.scenesPerLabel(); i++) {
        List<String> fruits = new ArrayList<>();
        for (int f = 0; f < options.fruitsPerScene(); f++) {
          fruits.add(photos.get(random.nextInt(photos.size())));
        }
        String[] background = backgrounds.get(random.nextInt(backgrounds.size()));
        plans.add(new Plan(index, label.getKey(), fruits, background[0], background[1],
            HadoopFiles.child(HadoopFiles.child(images, label.getKey()), String.format("%06d.jpg", index))));
        index++;
      }
    }
    return plans;
  }

  /** The executor side: reads a plan's photos, composes the scene, writes it, and returns its provenance row. */
  record Compose(SceneRecipe recipe, long seed, Broadcast<HadoopFiles.SerializableConfiguration> hadoopConf)
      implements FlatMapFunction<Iterator<Plan>, Row> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Iterator<Row> call(Iterator<Plan> plans) {
      Configuration conf = hadoopConf.value().get();
      SceneSynthesizer synthesizer = new SceneSynthesizer(recipe);
      ImageDecoder decoder = new ImageDecoder();
      List<Row> rows = new ArrayList<>();
      while (plans.hasNext()) {
        Plan plan = plans.next();
        Taxon taxon = Taxon.ofLabel(plan.label());
        String parameters = null;
        String error = null;
        try {
          List<SceneSynthesizer.Source> fruits = new ArrayList<>();
          for (String photo : plan.fruits()) {
            fruits.add(new SceneSynthesizer.Source(photo, decoder.decode(read(photo, conf))));
          }
          SceneSynthesizer.Source background = new SceneSynthesizer.Source(plan.background(),
              decoder.decode(read(plan.background(), conf)));
          // a scene's seed mixes the run's seed with its index: scenes differ, and each is reproducible alone
          SceneSynthesizer.Scene scene = synthesizer.compose(fruits, background,
              new SplittableRandom(seed ^ (plan.index() * 0x9E3779B97F4A7C15L)).nextLong());
          write(plan.output(), scene.jpeg(), conf);
          parameters = JSON.writeValueAsString(scene.parameters());
        } catch (ImageDecodeException e) {
          error = e.describe();
        } catch (IOException | RuntimeException e) {
          error = "scene_failed: " + HadoopFiles.oneLine(e);
        }
        rows.add(RowFactory.create(plan.output(), plan.label(), taxon.species(), taxon.variety(),
            plan.backgroundSource(), parameters, error));
      }
      return rows.iterator();
    }

    private static byte[] read(String uri, Configuration conf) throws IOException {
      Path path = new Path(uri);
      return HadoopFiles.readFully(path.getFileSystem(conf), path, -1);
    }

    // a local scene through NIO: Hadoop's local file system writes a .crc beside every file (with its reads, 66 ms
    // of a core per scene against 23 ms)
    private static void write(String uri, byte[] bytes, Configuration conf) throws IOException {
      Path path = new Path(uri);
      FileSystem fs = path.getFileSystem(conf);
      if (fs instanceof LocalFileSystem) {
        java.nio.file.Path file = java.nio.file.Path.of(fs.makeQualified(path).toUri());
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
        return;
      }
      try (FSDataOutputStream out = fs.create(path, true)) {
        out.write(bytes);
      }
    }
  }
}
