package com.fruits.cli;

import picocli.CommandLine.Option;

/** The {@code --overwrite} option of the stages that write an output folder (a picocli mixin). */
final class OverwriteOption {
  @Option(names = "--overwrite", description = "Replace an existing output.")
  boolean overwrite;
}
