package com.fruits.core.model;

/** The graph output used as the feature vector, and how a 4-D output is pooled. */
public record OutputSpec(String name, Pooling pooling) {}
