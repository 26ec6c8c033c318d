package com.fruits.core.image;

import java.time.Duration;
import java.util.Locale;

/**
 * How much work one file may make the {@link ImageDecoder} do. A file's bytes decide the cost of decoding it, and
 * they come from strangers (the app's uploads, any object in a bucket), so each bound is checked before a pixel is
 * decoded, and the deadline stops a decode that gets past them anyway.
 *
 * @param maxPixels the most pixels a header may claim (decompression bomb)
 * @param maxScans the most scans a JPEG may hold: a progressive decoder renders the whole image once per scan, so a
 *     small file of many tiny scans costs minutes (scan bomb). Ordinary progressive photos have about 10
 * @param maxScanPixels the most pixels × scans, the decoder's work for a progressive JPEG: 50 MP × 12 scans
 * @param deadline the longest one decode may take before it is aborted
 */
public record DecodeLimits(long maxPixels, int maxScans, long maxScanPixels, Duration deadline) {
  /** 100 megapixels: larger than any phone photo, far below what would exhaust an executor. */
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;
  public static final int DEFAULT_MAX_SCANS = 100;
  public static final long DEFAULT_MAX_SCAN_PIXELS = 600_000_000L;
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

  public DecodeLimits {
    if (maxPixels <= 0 || maxScans <= 0 || maxScanPixels <= 0) {
      throw new IllegalArgumentException("decode limits must be positive: pixels " + maxPixels + ", scans "
          + maxScans + ", scan pixels " + maxScanPixels);
    }
    if (deadline == null || deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("the decode deadline must be positive, not " + deadline);
    }
  }

  public static DecodeLimits defaults() {
    return new DecodeLimits(DEFAULT_MAX_PIXELS, DEFAULT_MAX_SCANS, DEFAULT_MAX_SCAN_PIXELS, DEFAULT_DEADLINE);
  }

  public DecodeLimits withMaxPixels(long maxPixels) {
    return new DecodeLimits(maxPixels, maxScans, maxScanPixels, deadline);
  }

  public DecodeLimits withMaxScans(int maxScans, long maxScanPixels) {
    return new DecodeLimits(maxPixels, maxScans, maxScanPixels, deadline);
  }

  public DecodeLimits withDeadline(Duration deadline) {
    return new DecodeLimits(maxPixels, maxScans, maxScanPixels, deadline);
  }

  /** Refuses a {@code width}×{@code height} image of {@code scans} scans that would cost more than allowed. */
  void check(int width, int height, int scans) throws ImageDecodeException {
    long pixels = (long) width * height;
    if (width <= 0 || height <= 0 || pixels > maxPixels) {
      throw new ImageDecodeException(FailureReason.TOO_LARGE, String.format(Locale.ROOT,
          "header claims %dx%d pixels (%.1f MP), above the %.1f MP limit; refused before decoding",
          width, height, pixels / 1e6, maxPixels / 1e6));
    }
    if (scans > maxScans || pixels * scans > maxScanPixels) {
      throw new ImageDecodeException(FailureReason.TOO_COSTLY, String.format(Locale.ROOT,
          "%d scans over %dx%d pixels would cost %.0f M pixel-scans to decode (limits: %d scans, %.0f M); "
              + "refused before decoding", scans, width, height, pixels * (double) scans / 1e6, maxScans,
          maxScanPixels / 1e6));
    }
  }
}
