package com.fruits.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fruits.core.image.FailureReason;
import com.fruits.core.image.ImageDecodeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ReadAheadTest {
  private static byte[] content(int item) {
    return ("file " + item).getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void itemsComeOutInOrderWithTheirBytesReadOnThePool() throws Exception {
    List<Integer> items = IntStream.range(0, 200).boxed().toList();
    List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
    ReadAhead<Integer> reads = new ReadAhead<>(items.iterator(), item -> 10, item -> {
      threads.add(Thread.currentThread().getName());
      return content(item);
    }, 16, 1 << 20);
    List<Integer> seen = new ArrayList<>();
    while (reads.hasNext()) {
      ReadAhead.Read<Integer> read = reads.next();
      assertThat(read.failure()).isNull();
      assertThat(read.bytes()).isEqualTo(content(read.item()));
      seen.add(read.item());
    }
    assertThat(seen).isEqualTo(items);
    assertThat(threads).hasSize(200).allMatch(name -> name.equals("fruits-read-ahead"));
  }

  @Test
  void noMoreThanTheItemAndByteLimitsAreReadAhead() throws Exception {
    AtomicInteger started = new AtomicInteger();
    List<Integer> ahead = new ArrayList<>();
    // files of 10 bytes, at most 8 of them and 25 bytes ahead: three (the third starts while 20 bytes are pending)
    ReadAhead<Integer> reads = new ReadAhead<>(IntStream.range(0, 50).iterator(), item -> 10, item -> {
      started.incrementAndGet();
      return content(item);
    }, 8, 25, Runnable::run);
    int consumed = 0;
    while (reads.hasNext()) {
      reads.next();
      consumed++;
      ahead.add(started.get() - consumed);
    }
    assertThat(consumed).isEqualTo(50);
    assertThat(ahead).allMatch(n -> n <= 3); // besides the one just handed out
    assertThat(ahead.subList(0, 40)).allMatch(n -> n == 3);

    started.set(0);
    ahead.clear();
    ReadAhead<Integer> byCount = new ReadAhead<>(IntStream.range(0, 50).iterator(), item -> 1, item -> {
      started.incrementAndGet();
      return content(item);
    }, 8, 1 << 20, Runnable::run);
    for (int i = 1; i <= 20; i++) {
      byCount.next();
      ahead.add(started.get() - i);
    }
    // quick reads go in groups of up to half the limit, started once a whole group fits
    assertThat(ahead).allMatch(n -> n >= 4 && n <= 8);
  }

  @Test
  void quickReadsGoInGroupsAndSlowOnesOneAJob() throws Exception {
    AtomicInteger jobs = new AtomicInteger();
    java.util.concurrent.Executor counting = job -> {
      jobs.incrementAndGet();
      job.run();
    };
    ReadAhead<Integer> quick = new ReadAhead<>(IntStream.range(0, 160).iterator(), item -> 1, ReadAheadTest::content,
        16, 1 << 20, counting);
    while (quick.hasNext()) {
      quick.next();
    }
    // 160 files: the first 16 one a job (no read timed yet), then groups of up to 8 (fewer for a while after a read
    // that a pause made slow): 34 jobs, well under one job for every two files
    assertThat(jobs.get()).isLessThan(80);

    jobs.set(0);
    long slow = ReadAhead.GROUP_BUDGET_MICROS * 2;
    ReadAhead<Integer> slowReads = new ReadAhead<>(IntStream.range(0, 6).iterator(), item -> 1, item -> {
      java.util.concurrent.locks.LockSupport.parkNanos(slow * 1000);
      return content(item);
    }, 16, 1 << 20, counting);
    while (slowReads.hasNext()) {
      slowReads.next();
    }
    assertThat(slowReads.groupSize()).isEqualTo(1);
    assertThat(jobs.get()).isEqualTo(6);
  }

  @Test
  void aFileLargerThanTheByteLimitIsStillRead() throws Exception {
    ReadAhead<Integer> reads = new ReadAhead<>(List.of(1, 2).iterator(), item -> 1L << 40, ReadAheadTest::content, 8,
        1024);
    assertThat(reads.next().bytes()).isEqualTo(content(1));
    assertThat(reads.next().bytes()).isEqualTo(content(2));
    assertThat(reads.hasNext()).isFalse();
  }

  @Test
  void aFileThatCannotBeReadComesOutAsItsFailure() throws Exception {
    ReadAhead<Integer> reads = new ReadAhead<>(List.of(1, 2, 3).iterator(), item -> 10, item -> {
      if (item == 1) {
        throw new ImageDecodeException(FailureReason.TOO_LARGE, "too large; not read");
      }
      if (item == 2) {
        throw new IllegalStateException("connection reset\nby peer");
      }
      return content(item);
    }, 4, 1024);
    ReadAhead.Read<Integer> first = reads.next();
    assertThat(first.bytes()).isNull();
    assertThat(first.failure().reason()).isEqualTo(FailureReason.TOO_LARGE);
    ReadAhead.Read<Integer> second = reads.next();
    assertThat(second.failure().reason()).isEqualTo(FailureReason.READ_ERROR);
    assertThat(second.failure().getMessage()).contains("connection reset").doesNotContain("\n");
    assertThat(reads.next().bytes()).isEqualTo(content(3));
  }

  @Test
  void cancelDropsTheReadsInFlight() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    ReadAhead<Integer> reads = new ReadAhead<>(IntStream.range(0, 10).iterator(), item -> 1, item -> {
      if (item > 0) {
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      return content(item);
    }, 4, 1024);
    try {
      // items 1 to 3 are now being read, and wait; so is 4 unless item 0's read had been timed by then (a group of
      // two quick reads then waits for room for both)
      assertThat(reads.next().item()).isEqualTo(0);
      reads.cancel();
      assertThat(reads.hasNext()).isTrue();
      release.countDown();
      assertThat(reads.next().item()).isIn(4, 5);
    } finally {
      release.countDown();
    }
  }
}
