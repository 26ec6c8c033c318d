package com.fruits.core.featurize;

import com.fruits.core.model.ModelResolver;
import com.fruits.core.model.ModelSpec;
import com.fruits.core.model.ModelSpecs;
import java.nio.file.Path;

/**
 * A model spec whose ONNX file has been found (or downloaded), checksum-verified, opened and checked against the
 * graph. Building one is the "fail before any distributed work" step of every command that featurizes.
 */
public record ResolvedModel(ModelSpec spec, Path modelFile, int featureDimension) {

  public static ResolvedModel resolve(Path specFile) {
    return resolve(ModelSpecs.load(specFile), new ModelResolver(ModelResolver.defaultCacheDir()));
  }

  public static ResolvedModel resolve(ModelSpec spec, ModelResolver resolver) {
    Path file = resolver.resolve(spec.source());
    OnnxFeaturizer featurizer = SharedFeaturizers.get(spec, file, 1);
    return new ResolvedModel(spec, file, featurizer.featureDimension());
  }
}
