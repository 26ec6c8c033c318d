package com.fruits.core.model;

/** How a 4-D [N, C, H, W] feature output is reduced to [N, C]. */
public enum Pooling {
  /** The output is already [N, D], or [N, C, 1, 1] and is simply flattened. */
  NONE,
  /** Global average over H × W. */
  AVG,
  /** Global maximum over H × W. */
  MAX
}
