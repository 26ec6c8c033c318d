package com.fruits.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a script of {@code tools/browser} (playwright-core driving Debian's Chromium) and returns what it printed.
 * Skips the test when Chromium or playwright-core is missing, unless {@code FRUITS_BROWSER_TESTS=required} (CI).
 */
public final class BrowserScripts {
  private BrowserScripts() {}

  public static String run(String script, String... args) throws Exception {
    Path tools = TestImages.repoDir().resolve("tools/browser");
    boolean available = Files.isDirectory(tools.resolve("node_modules/playwright-core"))
        && Files.isExecutable(Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium")));
    if (!available && "required".equals(System.getenv("FRUITS_BROWSER_TESTS"))) {
      throw new AssertionError("browser tests are required but Chromium or playwright-core is missing "
          + "(apt-get install chromium; npm ci --prefix tools/browser)");
    }
    assumeTrue(available, "Chromium and playwright-core are not installed");
    List<String> command = new ArrayList<>(List.of("node", tools.resolve(script).toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean finished = process.waitFor(120, TimeUnit.SECONDS);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!finished) {
      process.destroyForcibly();
    }
    assertThat(finished).as("%s timed out: %s", script, output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
