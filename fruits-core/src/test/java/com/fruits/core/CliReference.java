package com.fruits.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The CLI reference in {@code docs/}, generated from picocli's own help: a test renders it and fails when the
 * committed file differs, so the reference cannot drift from the options; {@code -Dfruits.docs.write=true} rewrites
 * the file instead.
 */
public final class CliReference {
  private CliReference() {}

  /** Markdown: a title, an introduction, the top-level help, then each subcommand's help. */
  public static String render(CommandLine cli, String title, String introduction) {
    StringBuilder doc = new StringBuilder("# ").append(title).append("\n\n")
        .append("<!-- generated from the picocli definitions by CliReference; do not edit by hand -->\n\n")
        .append(introduction).append("\n\n```\n").append(cli.getUsageMessage(CommandLine.Help.Ansi.OFF))
        .append("```\n");
    cli.getSubcommands().forEach((name, sub) -> {
      if (!name.equals("help")) {
        doc.append("\n## ").append(cli.getCommandName()).append(' ').append(name).append("\n\n```\n")
            .append(sub.getUsageMessage(CommandLine.Help.Ansi.OFF)).append("```\n");
      }
    });
    return doc.toString();
  }

  /** Fails unless {@code file} (relative to the repository) holds {@code expected}; rewrites it when asked to. */
  public static void check(String expected, String file) throws IOException {
    Path path = TestImages.repoDir().resolve(file);
    if (Boolean.getBoolean("fruits.docs.write")) {
      Files.writeString(path, expected, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "")
        .as("%s is out of date: run the test with -Dfruits.docs.write=true", file).isEqualTo(expected);
  }
}
