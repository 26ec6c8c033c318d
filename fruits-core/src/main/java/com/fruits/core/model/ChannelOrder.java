package com.fruits.core.model;

/** The order in which a model expects colour channels in its input tensor. */
public enum ChannelOrder {
  RGB(0, 1, 2),
  BGR(2, 1, 0);

  private final int[] sourceChannels;

  ChannelOrder(int... sourceChannels) {
    this.sourceChannels = sourceChannels;
  }

  /** The RGB channel index (0 = R, 1 = G, 2 = B) that feeds tensor channel {@code tensorChannel}. */
  public int sourceChannel(int tensorChannel) {
    return sourceChannels[tensorChannel];
  }
}
