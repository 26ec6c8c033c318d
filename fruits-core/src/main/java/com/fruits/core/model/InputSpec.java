package com.fruits.core.model;

import java.util.List;

/**
 * The model's image input: tensor name, NCHW size, and how 8-bit pixels become the values it was trained on:
 * {@code value = (pixel * scale - mean[c]) / std[c]}, channels in {@code channelOrder} (mean and std are given in
 * that same order).
 */
public record InputSpec(
    String name,
    int width,
    int height,
    ChannelOrder channelOrder,
    double scale,
    List<Double> mean,
    List<Double> std,
    ResizePolicy resize) {

  public InputSpec {
    mean = List.copyOf(mean);
    std = List.copyOf(std);
  }

  public int tensorSize() {
    return 3 * width * height;
  }
}
