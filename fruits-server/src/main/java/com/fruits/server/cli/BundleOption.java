package com.fruits.server.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --bundle} option of every command that opens a serving bundle (a picocli mixin). */
final class BundleOption {
  @Option(names = "--bundle", required = true, paramLabel = "DIR", description = "The serving bundle (`train --out`).")
  Path dir;
}
