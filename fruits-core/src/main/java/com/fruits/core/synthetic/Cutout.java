package com.fruits.core.synthetic;

import com.fruits.core.image.RgbImage;
import java.awt.image.BufferedImage;
import java.util.ArrayDeque;

/**
 * A studio photo's fruit without its white background: the background is the near-white region connected to the
 * border (a flood fill, so white highlights inside the fruit stay), and the mask's edge is softened by one pixel so
 * a pasted fruit has no white fringe.
 */
public final class Cutout {
  /** A pixel whose every channel is at least this bright may belong to the white studio background. */
  static final int WHITE = 225;

  private Cutout() {}

  /** An ARGB image of {@code photo}'s fruit, transparent where the background was; null if almost nothing is left. */
  public static BufferedImage of(RgbImage photo) {
    int w = photo.width();
    int h = photo.height();
    boolean[] background = new boolean[w * h];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int x = 0; x < w; x++) {
      seed(photo, background, queue, x, 0);
      seed(photo, background, queue, x, h - 1);
    }
    for (int y = 0; y < h; y++) {
      seed(photo, background, queue, 0, y);
      seed(photo, background, queue, w - 1, y);
    }
    while (!queue.isEmpty()) {
      int i = queue.poll();
      int x = i % w;
      int y = i / w;
      if (x > 0) seed(photo, background, queue, x - 1, y);
      if (x < w - 1) seed(photo, background, queue, x + 1, y);
      if (y > 0) seed(photo, background, queue, x, y - 1);
      if (y < h - 1) seed(photo, background, queue, x, y + 1);
    }
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    int opaque = 0;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        int alpha;
        if (background[i]) {
          alpha = 0;
        } else {
          opaque++;
          alpha = touchesBackground(background, w, h, x, y) ? 128 : 255;
        }
        out.setRGB(x, y, alpha << 24 | photo.sample(x, y, 0) << 16 | photo.sample(x, y, 1) << 8 | photo.sample(x, y, 2));
      }
    }
    return opaque < w * h / 50 ? null : out;
  }

  private static void seed(RgbImage photo, boolean[] background, ArrayDeque<Integer> queue, int x, int y) {
    int i = y * photo.width() + x;
    if (!background[i] && photo.sample(x, y, 0) >= WHITE && photo.sample(x, y, 1) >= WHITE
        && photo.sample(x, y, 2) >= WHITE) {
      background[i] = true;
      queue.add(i);
    }
  }

  private static boolean touchesBackground(boolean[] background, int w, int h, int x, int y) {
    return x > 0 && background[y * w + x - 1] || x < w - 1 && background[y * w + x + 1]
        || y > 0 && background[(y - 1) * w + x] || y < h - 1 && background[(y + 1) * w + x];
  }
}
