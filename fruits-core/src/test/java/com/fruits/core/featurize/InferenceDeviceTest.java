package com.fruits.core.featurize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fruits.core.TestImages;
import com.fruits.core.image.ImagePreprocessor;
import com.fruits.core.model.ModelSpec;
import com.fruits.core.model.ModelSpecs;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs on any machine: with a GPU the CUDA session must agree with the CPU's, without one it must fall back. */
class InferenceDeviceTest {

  @Test
  void parsesTheThreeDevicesAndRefusesOthersInOneLine() {
    assertThat(InferenceDevice.parse("CUDA")).isEqualTo(InferenceDevice.CUDA);
    assertThat(InferenceDevice.parse(" auto")).isEqualTo(InferenceDevice.AUTO);
    assertThat(InferenceDevice.parse("cpu").cliName()).isEqualTo("cpu");
    assertThatThrownBy(() -> InferenceDevice.parse("gpu"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--device must be cpu, cuda or auto, not 'gpu'");
    assertThatThrownBy(() -> new InferenceSettings(0, InferenceDevice.CPU, 0))
        .hasMessageContaining("at least 1");
  }

  @Test
  void batchSizesSuitTheDevice() {
    assertThat(InferenceDevice.CPU.defaultBatchSize()).isEqualTo(InferenceDevice.CPU_BATCH_SIZE);
    assertThat(InferenceDevice.CUDA.defaultBatchSize()).isEqualTo(InferenceDevice.GPU_BATCH_SIZE);
    assertThat(InferenceDevice.AUTO.defaultBatchSize()).isEqualTo(InferenceDevice.cudaInBuild()
        ? InferenceDevice.GPU_BATCH_SIZE : InferenceDevice.CPU_BATCH_SIZE);
    assertThat(InferenceDevice.CPU.buildNote()).isNull();
    assertThat(InferenceDevice.AUTO.buildNote()).isNull();
    if (!InferenceDevice.cudaInBuild()) {
      assertThat(InferenceDevice.CUDA.buildNote()).contains("no CUDA execution provider", "mvn -Pcuda");
    }
  }

  @Test
  void cudaRunsOnTheGpuOrFallsBackToTheCpuWithTheSameFeatures() throws Exception {
    ModelSpec spec = ModelSpecs.load(TestImages.modelSpec("mobilenetv2"));
    Path model = spec.source().path();
    ImagePreprocessor pre = new ImagePreprocessor(spec.input());
    List<Path> photos = OnnxFeaturizerTest.firstPhotos("Test/Lemon", 3);
    float[] tensors = new float[photos.size() * pre.tensorSize()];
    for (int i = 0; i < photos.size(); i++) {
      pre.prepare(TestImages.read(photos.get(i)), tensors, i * pre.tensorSize());
    }
    try (OnnxFeaturizer cpu = OnnxFeaturizer.open(spec, model, InferenceSettings.cpu(1));
         OnnxFeaturizer cuda = OnnxFeaturizer.open(spec, model, InferenceSettings.on(InferenceDevice.CUDA, 1))) {
      assertThat(cpu.provider()).isEqualTo("cpu");
      assertThat(cpu.fallback()).isNull();
      if (cuda.provider().startsWith("cuda:")) {
        assertThat(cuda.fallback()).isNull();
      } else {
        assertThat(cuda.provider()).isEqualTo("cpu");
        assertThat(cuda.fallback()).containsAnyOf("no CUDA execution provider", "CUDA did not load");
      }
      float[][] expected = cpu.run(tensors, photos.size());
      float[][] actual = cuda.run(tensors, photos.size());
      for (int i = 0; i < expected.length; i++) {
        // a GPU's kernels (TF32 included) differ from the CPU's in the last digits only
        assertThat(TestImages.cosine(expected[i], actual[i])).isGreaterThan(0.9999);
      }
    }
  }
}
