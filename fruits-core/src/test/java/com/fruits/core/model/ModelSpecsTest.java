package com.fruits.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fruits.core.FruitsException;
import com.fruits.core.TestImages;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModelSpecsTest {
  private static final String MINIMAL = """
      {"name": "m", "model": {"path": "m.onnx"},
       "input": {"name": "in", "width": 8, "height": 6},
       "output": {"name": "out"}}""";

  @Test
  void repositorySpecsParse() {
    ModelSpec mobilenet = ModelSpecs.load(TestImages.modelSpec("mobilenetv2"));
    assertThat(mobilenet.input().channelOrder()).isEqualTo(ChannelOrder.RGB);
    assertThat(mobilenet.dynamicBatch()).isTrue();
    assertThat(mobilenet.source().path()).isEqualTo(TestImages.sharedDir().resolve("models/mobilenetv2-imagenet.onnx"));

    ModelSpec squeezenet = ModelSpecs.load(TestImages.modelSpec("squeezenet"));
    assertThat(squeezenet.input().channelOrder()).isEqualTo(ChannelOrder.BGR);
    assertThat(squeezenet.batchSize()).isEqualTo(1);
    assertThat(squeezenet.input().mean()).containsExactly(104.0, 117.0, 123.0);
    assertThat(squeezenet.hash()).isNotEqualTo(mobilenet.hash());
    assertThat(mobilenet.output().head()).isEqualTo("output");
    assertThat(squeezenet.output().hasHead()).isFalse();
  }

  @Test
  void theHeadIsPartOfWhatTheFeaturesMeanAndRoundTrips() {
    ModelSpec spec = ModelSpecs.parse(MINIMAL, Path.of("/a"), "a");
    ModelSpec withHead = ModelSpecs.parse(MINIMAL.replace("\"name\": \"out\"", "\"name\": \"out\", \"head\": \"logits\""),
        Path.of("/a"), "b");
    assertThat(withHead.output().head()).isEqualTo("logits");
    assertThat(withHead.hash()).isNotEqualTo(spec.hash());
    assertThat(ModelSpecs.parse(ModelSpecs.toJson(withHead), Path.of("/elsewhere"), "round trip")).isEqualTo(withHead);
    assertThat(ModelSpecs.canonicalJson(spec)).as("a spec without a head keeps its hash").doesNotContain("head");
  }

  @Test
  void defaultsAndRelativePaths() {
    ModelSpec spec = ModelSpecs.parse(MINIMAL, Path.of("/models"), "test");
    assertThat(spec.source().path()).isEqualTo(Path.of("/models/m.onnx"));
    assertThat(spec.input().scale()).isEqualTo(1.0);
    assertThat(spec.input().std()).containsExactly(1.0, 1.0, 1.0);
    assertThat(spec.input().resize()).isEqualTo(ResizePolicy.STRETCH);
    assertThat(spec.output().pooling()).isEqualTo(Pooling.NONE);
    assertThat(spec.dynamicBatch()).isTrue();
  }

  @Test
  void writtenJsonParsesBackToTheSameSpec() {
    ModelSpec spec = ModelSpecs.load(TestImages.modelSpec("squeezenet"));
    ModelSpec again = ModelSpecs.parse(ModelSpecs.toJson(spec), Path.of("/elsewhere"), "round trip");
    assertThat(again).isEqualTo(spec);
  }

  @Test
  void hashIgnoresNameAndLocationButNotPreprocessing() {
    ModelSpec spec = ModelSpecs.parse(MINIMAL, Path.of("/a"), "a");
    ModelSpec moved = ModelSpecs.parse(MINIMAL.replace("\"m\"", "\"other\""), Path.of("/b"), "b");
    ModelSpec bgr = ModelSpecs.parse(MINIMAL.replace("\"height\": 6", "\"height\": 6, \"channelOrder\": \"BGR\""),
        Path.of("/a"), "c");
    assertThat(moved.hash()).isEqualTo(spec.hash());
    assertThat(bgr.hash()).isNotEqualTo(spec.hash());
  }

  @Test
  void problemsAreOneReadableLine() {
    assertError("{", "is not valid JSON");
    assertError(MINIMAL.replace("\"width\": 8", "\"width\": -8"), "input.width must be a positive integer");
    assertError(MINIMAL.replace("\"height\": 6", "\"height\": 6, \"mean\": [1, 2]"),
        "input.mean must be a number or an array of 3 numbers");
    assertError(MINIMAL.replace("\"height\": 6", "\"height\": 6, \"channelOrder\": \"RBG\""),
        "input.channelOrder must be one of [rgb, bgr], got \"RBG\"");
    assertError(MINIMAL.replace("{\"name\": \"out\"}", "{\"name\": \"out\", \"pooling\": \"median\"}"),
        "output.pooling must be one of [none, avg, max]");
    assertError(MINIMAL.replace("\"path\": \"m.onnx\"", "\"url\": \"http://h/m.onnx\""),
        "model.sha256 is required when the model is downloaded from a url");
    assertError(MINIMAL.replace("}}", "}, \"batch\": 0}"), "batch must be \"dynamic\" or a positive integer");
    assertThatThrownBy(() -> ModelSpecs.load(Path.of("/no/such/spec.json")))
        .isInstanceOf(FruitsException.class).hasMessage("model spec not found: /no/such/spec.json");
  }

  private static void assertError(String json, String expected) {
    assertThatThrownBy(() -> ModelSpecs.parse(json, Path.of("/"), "bad.json"))
        .isInstanceOf(FruitsException.class)
        .hasMessageStartingWith("model spec bad.json: ")
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }
}
