package com.fruits.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --taxonomy} option of every command that labels photos by their folders (a picocli mixin). */
final class TaxonomyOption {
  @Option(names = "--taxonomy", paramLabel = "FILE", description = "Taxonomy CSV mapping each source's folders to "
      + "species (default: the shipped catalog/taxonomy.csv).")
  Path taxonomy;
}
