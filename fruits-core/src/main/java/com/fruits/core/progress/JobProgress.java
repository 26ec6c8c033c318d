package com.fruits.core.progress;

/**
 * Where a job's progress notes go (a regularization weight tried, a source set aside, a study point): the command
 * line prints them on standard error, a library user may log them or drop them. Jobs never print themselves.
 */
@FunctionalInterface
public interface JobProgress {
  /** Notes on standard error, each line prefixed with {@code fruits: }, as the command line shows them. */
  JobProgress STDERR = message -> System.err.println("fruits: " + message);
  /** Drops every note. */
  JobProgress SILENT = message -> {};

  void note(String message);
}
