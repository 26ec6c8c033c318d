package com.fruits.core.model;

/**
 * The graph output used as the feature vector, how a 4-D output is pooled, and (optionally) the graph's own ImageNet
 * classifier output, whose 1000 logits the classifier may use as a prior ({@code com.fruits.core.serving.ImageNetPrior}).
 *
 * @param head the name of the graph's 1000-class ImageNet output, or null when the spec does not use it
 */
public record OutputSpec(String name, Pooling pooling, String head) {
  public OutputSpec(String name, Pooling pooling) {
    this(name, pooling, null);
  }

  public boolean hasHead() {
    return head != null;
  }
}
