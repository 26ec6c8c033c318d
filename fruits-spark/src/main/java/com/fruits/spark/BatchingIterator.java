package com.fruits.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * An iterator that produces its elements a batch at a time: {@link #fill} adds the next batch's rows to
 * {@link #ready} (none: the end), and they are handed out before it is called again. What a partition function
 * that runs inference on batches of photos returns, so that at most one batch is held at a time.
 */
public abstract class BatchingIterator<T> implements Iterator<T> {
  protected final List<T> ready = new ArrayList<>();
  private int next;

  /** Adds the next batch's elements to {@link #ready}; adds none when there are no more. */
  protected abstract void fill();

  @Override
  public final boolean hasNext() {
    if (next < ready.size()) {
      return true;
    }
    ready.clear();
    next = 0;
    fill();
    return !ready.isEmpty();
  }

  @Override
  public final T next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.get(next++);
  }
}
