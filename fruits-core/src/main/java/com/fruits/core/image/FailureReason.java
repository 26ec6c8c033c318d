package com.fruits.core.image;

/** Why an image could not be turned into a tensor. The {@link #code()} is what tables and summaries store. */
public enum FailureReason {
  /** The file has no bytes at all. */
  EMPTY_FILE,
  /** The bytes are not a JPEG or PNG image (e.g. a text file named .jpg). */
  NOT_AN_IMAGE,
  /** The header is readable but the pixel data is cut short or damaged. */
  CORRUPT,
  /** The header claims more pixels than the decoder accepts (decompression-bomb guard), or the file is too big. */
  TOO_LARGE,
  /** Decoding would take more work than allowed (e.g. a progressive JPEG of hundreds of scans), or took too long. */
  TOO_COSTLY,
  /** The file could not be read from storage. */
  READ_ERROR;

  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
