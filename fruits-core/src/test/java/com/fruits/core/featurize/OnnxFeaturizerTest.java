package com.fruits.core.featurize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fruits.core.FruitsException;
import com.fruits.core.TestImages;
import com.fruits.core.image.ImagePreprocessor;
import com.fruits.core.model.ModelSpec;
import com.fruits.core.model.ModelSpecs;
import com.fruits.core.model.OutputSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxFeaturizerTest {
  /** Shared photos whose fruit is also an ImageNet class, with that class's name. */
  private static final String[][] IMAGENET_FRUITS = {
    {"Strawberry", "strawberry"}, {"Lemon", "lemon"}, {"Pomegranate", "pomegranate"}, {"Granny Smith", "Granny Smith"},
  };
  static final String[] GOLDEN_PHOTOS = {"Training/Lemon/0_100.jpg", "Training/Kiwi/r_10_100.jpg",
    "Test/Apple Red 1/321_100.jpg"};

  private static ModelSpec spec(String name) {
    return ModelSpecs.load(TestImages.modelSpec(name));
  }

  private static List<String> imagenetLabels() throws Exception {
    // lines look like "n07745940 strawberry" or "n07742313 Granny Smith, alias": keep the first name
    return Files.readAllLines(TestImages.sharedDir().resolve("models/imagenet-labels.txt"), StandardCharsets.UTF_8)
        .stream().map(line -> line.substring(line.indexOf(' ') + 1).split(",")[0].trim()).toList();
  }

  private static float[] tensors(ImagePreprocessor pre, List<Path> photos) throws Exception {
    float[] batch = new float[photos.size() * pre.tensorSize()];
    for (int i = 0; i < photos.size(); i++) {
      pre.prepare(TestImages.read(photos.get(i)), batch, i * pre.tensorSize());
    }
    return batch;
  }

  static List<Path> firstPhotos(String folder, int count) throws Exception {
    try (var files = Files.list(TestImages.fruitsDir().resolve(folder))) {
      return files.sorted().limit(count).toList();
    }
  }

  private static List<String> top(float[] scores, List<String> labels, int k) {
    return IntStream.range(0, scores.length).boxed()
        .sorted(Comparator.comparingDouble(i -> -scores[i])).limit(k).map(labels::get).toList();
  }

  /** Proves the whole preprocessing convention: ImageNet's own classifier recognises the fruits it knows. */
  @Test
  void mobilenetLogitsRecogniseImagenetFruits() throws Exception {
    ModelSpec features = spec("mobilenetv2");
    ModelSpec logits = new ModelSpec(features.name(), null, features.source(), features.input(),
        new OutputSpec("output", features.output().pooling()), 0);
    assertRecognises(logits);
  }

  /** The head's logits come from the same run as the features, exactly as a run of the head output alone. */
  @Test
  void aSpecWithAHeadGivesItsLogitsBesideTheFeatures() throws Exception {
    ModelSpec withHead = spec("mobilenetv2");
    ModelSpec logitsOnly = new ModelSpec(withHead.name(), null, withHead.source(), withHead.input(),
        new OutputSpec("output", withHead.output().pooling()), 0);
    ModelSpec featuresOnly = new ModelSpec(withHead.name(), null, withHead.source(), withHead.input(),
        new OutputSpec("features", withHead.output().pooling()), 0);
    List<Path> photos = firstPhotos("Test/Lemon", 2);
    float[] tensors = tensors(new ImagePreprocessor(withHead.input()), photos);
    try (OnnxFeaturizer both = OnnxFeaturizer.open(withHead, withHead.source().path(), 1);
         OnnxFeaturizer logits = OnnxFeaturizer.open(logitsOnly, logitsOnly.source().path(), 1);
         OnnxFeaturizer features = OnnxFeaturizer.open(featuresOnly, featuresOnly.source().path(), 1)) {
      OnnxFeaturizer.Outputs outputs = both.runAllOutputs(tensors, photos.size());
      float[][] expectedHead = logits.run(tensors, photos.size());
      float[][] expectedFeatures = features.run(tensors, photos.size());
      for (int i = 0; i < photos.size(); i++) {
        assertThat(outputs.head()[i]).hasSize(OnnxFeaturizer.HEAD_CLASSES);
        assertThat(outputs.head()[i]).containsExactly(expectedHead[i], within(1e-4f));
        assertThat(outputs.features()[i]).containsExactly(expectedFeatures[i], within(1e-4f));
      }
      assertThat(features.runAllOutputs(tensors, photos.size()).head()).as("no head in the spec").isNull();
    }
    ModelSpec wrongHead = new ModelSpec(withHead.name(), null, withHead.source(), withHead.input(),
        new OutputSpec("features", withHead.output().pooling(), "features"), 0);
    assertThatThrownBy(() -> OnnxFeaturizer.open(wrongHead, wrongHead.source().path(), 1))
        .isInstanceOf(FruitsException.class).hasMessageContaining("output.head names the features output");
    ModelSpec missingHead = new ModelSpec(withHead.name(), null, withHead.source(), withHead.input(),
        new OutputSpec("features", withHead.output().pooling(), "logits"), 0);
    assertThatThrownBy(() -> OnnxFeaturizer.open(missingHead, missingHead.source().path(), 1))
        .isInstanceOf(FruitsException.class).hasMessageContaining("no output named 'logits' for output.head");
  }

  @Test
  void squeezenetInCaffeConventionRecognisesImagenetFruits() throws Exception {
    assertRecognises(spec("squeezenet"));
  }

  private static void assertRecognises(ModelSpec spec) throws Exception {
    List<String> labels = imagenetLabels();
    ImagePreprocessor pre = new ImagePreprocessor(spec.input());
    try (OnnxFeaturizer model = OnnxFeaturizer.open(spec, spec.source().path(), 1)) {
      assertThat(model.featureDimension()).isEqualTo(1000);
      for (String[] fruit : IMAGENET_FRUITS) {
        for (Path photo : firstPhotos("Test/" + fruit[0], 3)) {
          float[] tensor = pre.prepare(TestImages.read(photo));
          float[] scores = model.run(tensor, 1)[0];
          assertThat(top(scores, labels, 5)).as("%s with %s", photo, spec.name()).contains(fruit[1]);
        }
      }
    }
  }

  @Test
  void mobilenetFeaturesMatchTheCommittedGoldenValues() throws Exception {
    ModelSpec spec = spec("mobilenetv2");
    List<Path> photos = new ArrayList<>();
    for (String p : GOLDEN_PHOTOS) {
      photos.add(TestImages.fruitsDir().resolve(p));
    }
    ImagePreprocessor pre = new ImagePreprocessor(spec.input());
    float[][] features;
    try (OnnxFeaturizer model = OnnxFeaturizer.open(spec, spec.source().path(), 2)) {
      assertThat(model.featureDimension()).isEqualTo(1280);
      features = model.run(tensors(pre, photos), photos.size());
    }
    Path golden = TestImages.repoDir().resolve("fruits-core/src/test/resources/golden/mobilenetv2-features.txt");
    if (Boolean.getBoolean("fruits.golden.write")) {
      List<String> lines = new ArrayList<>();
      for (int i = 0; i < photos.size(); i++) {
        StringBuilder line = new StringBuilder(GOLDEN_PHOTOS[i]);
        for (float v : features[i]) {
          line.append('\t').append(v);
        }
        lines.add(line.toString());
      }
      Files.createDirectories(golden.getParent());
      Files.write(golden, lines);
    }
    List<String> lines = Files.readAllLines(golden);
    assertThat(lines).hasSize(GOLDEN_PHOTOS.length);
    for (int i = 0; i < lines.size(); i++) {
      String[] cells = lines.get(i).split("\t");
      assertThat(cells[0]).isEqualTo(GOLDEN_PHOTOS[i]);
      assertThat(cells).hasSize(1281);
      for (int d = 0; d < 1280; d++) {
        assertThat(features[i][d]).as("%s feature %d", cells[0], d)
            .isCloseTo(Float.parseFloat(cells[d + 1]), within(1e-4f));
      }
    }
  }

  @Test
  void batchedAndSingleRunsAgree() throws Exception {
    ModelSpec spec = spec("mobilenetv2");
    ImagePreprocessor pre = new ImagePreprocessor(spec.input());
    List<Path> photos = List.of(firstPhotos("Test/Kiwi", 1).get(0), firstPhotos("Test/Plum", 1).get(0));
    try (OnnxFeaturizer model = OnnxFeaturizer.open(spec, spec.source().path(), 1)) {
      float[][] batched = model.run(tensors(pre, photos), 2);
      float[][] single = model.run(tensors(pre, photos.subList(1, 2)), 1);
      for (int d = 0; d < 1280; d++) {
        assertThat(batched[1][d]).isCloseTo(single[0][d], within(1e-4f));
      }
    }
  }

  /**
   * Closing the session under a running inference used to crash the JVM in native code (SIGSEGV when a server was
   * stopped while answering): close must wait for the inferences in flight and refuse later ones.
   */
  @Test
  void closingWhileOtherThreadsInferWaitsForThemAndRefusesLaterCalls() throws Exception {
    ModelSpec spec = spec("mobilenetv2");
    ImagePreprocessor pre = new ImagePreprocessor(spec.input());
    float[] tensor = tensors(pre, firstPhotos("Test/Kiwi", 1));
    OnnxFeaturizer model = OnnxFeaturizer.open(spec, spec.source().path(), 1);
    CountDownLatch running = new CountDownLatch(2);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    List<CompletableFuture<Integer>> callers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      callers.add(CompletableFuture.supplyAsync(() -> {
        int runs = 0;
        try {
          while (true) {
            assertThat(model.run(tensor, 1)[0]).hasSize(1280);
            if (++runs == 3) {
              running.countDown();
            }
          }
        } catch (OnnxFeaturizer.ClosedException refused) {
          assertThat(refused).hasMessage("the ONNX session of model 'mobilenetv2-imagenet' is closed");
          return runs;
        }
      }, threads));
    }
    running.await();
    model.close();
    for (var caller : callers) {
      assertThat(caller.get(60, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(3);
    }
    threads.shutdown();
    model.close();
  }

  @Test
  void specThatDoesNotMatchTheGraphFailsWithOneLine() {
    ModelSpec spec = spec("mobilenetv2");
    Path model = spec.source().path();
    ModelSpec wrongInput = ModelSpecs.parse(ModelSpecs.toJson(spec).replace("\"name\" : \"input\"", "\"name\" : \"data\""),
        Path.of("/"), "t");
    assertThatThrownBy(() -> OnnxFeaturizer.open(wrongInput, model, 1))
        .isInstanceOf(FruitsException.class)
        .hasMessage("model spec 'mobilenetv2-imagenet' does not match the ONNX graph: no input named 'data' (inputs: [input])");
    ModelSpec wrongOutput = new ModelSpec(spec.name(), null, spec.source(), spec.input(),
        new OutputSpec("logits", spec.output().pooling()), 0);
    assertThatThrownBy(() -> OnnxFeaturizer.open(wrongOutput, model, 1))
        .isInstanceOf(FruitsException.class)
        .hasMessageContaining("no output named 'logits'");
    ModelSpec squeezenet = spec("squeezenet");
    ModelSpec dynamic = new ModelSpec(squeezenet.name(), null, squeezenet.source(), squeezenet.input(),
        squeezenet.output(), 0);
    assertThatThrownBy(() -> OnnxFeaturizer.open(dynamic, squeezenet.source().path(), 1))
        .isInstanceOf(FruitsException.class)
        .hasMessageContaining("has a fixed batch of 1; set \"batch\": 1 in the spec");
  }

  @Test
  void fileThatIsNotAModelCannotBeOpened(@TempDir Path dir) throws Exception {
    Path bogus = Files.writeString(dir.resolve("bogus.onnx"), "definitely not protobuf");
    assertThatThrownBy(() -> OnnxFeaturizer.open(spec("mobilenetv2"), bogus, 1))
        .isInstanceOf(FruitsException.class)
        .hasMessageStartingWith("cannot open ONNX model " + bogus)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void sharedFeaturizersHandOutOneSessionPerSpec() {
    ModelSpec spec = spec("squeezenet");
    OnnxFeaturizer first = SharedFeaturizers.get(spec, spec.source().path(), 1);
    OnnxFeaturizer second = SharedFeaturizers.get(spec, spec.source().path(), 1);
    assertThat(second).isSameAs(first);
    assertThat(first.featureDimension()).isEqualTo(1000);
    assertThat(first.maxBatch()).isEqualTo(1);
  }
}
