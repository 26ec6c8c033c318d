package com.fruits.core.model;

/**
 * Everything needed to turn an image into features with an ONNX image model. Parsed and written by
 * {@link ModelSpecs}; {@link #hash()} identifies what the features mean (model bytes, preprocessing, output),
 * independently of where the file lives or what the spec is called.
 *
 * @param batchSize the batch size the graph accepts, or 0 when the batch dimension is dynamic
 */
public record ModelSpec(
    String name, String description, ModelSource source, InputSpec input, OutputSpec output, int batchSize) {

  public boolean dynamicBatch() {
    return batchSize == 0;
  }

  /** SHA-256 (hex) of the canonical form of the semantic fields; see {@link ModelSpecs#canonicalJson}. */
  public String hash() {
    return ModelSpecs.hash(this);
  }
}
