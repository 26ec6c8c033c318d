package com.fruits.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The CPU a benchmark ran on: its model and the vector extensions inference speed depends on (AVX2, AVX-512, VNNI,
 * AMX; NEON/SVE on ARM), as Linux reports them in {@code /proc/cpuinfo}. Every benchmark figure carries it: the same
 * code runs twice as fast on a CPU with VNNI.
 *
 * @param model e.g. "AMD EPYC"; {@code os.arch} where the kernel does not say
 * @param cores the cores this JVM may use
 * @param vectorExtensions the relevant flags, sorted
 */
public record CpuInfo(String model, int cores, List<String> vectorExtensions) {
  private static final Set<String> PREFIXES = Set.of("avx", "amx", "fma", "sse4", "f16c", "asimd", "sve", "neon");

  public static CpuInfo current() {
    return parse(read(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors());
  }

  static CpuInfo parse(String cpuinfo, int cores) {
    String model = null;
    Set<String> extensions = new TreeSet<>();
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).trim();
      if (model == null && (key.equals("model name") || key.equals("cpu model") || key.equals("hardware"))) {
        model = value;
      } else if (key.equals("flags") || key.equals("features")) {
        for (String flag : value.split("\\s+")) {
          if (PREFIXES.stream().anyMatch(flag::startsWith)) {
            extensions.add(flag);
          }
        }
      }
    }
    return new CpuInfo(model != null ? model : System.getProperty("os.arch"), cores, new ArrayList<>(extensions));
  }

  /** One line: {@code AMD EPYC, 2 cores, avx2 avx512f ...}. */
  public String describe() {
    return model + ", " + cores + (cores == 1 ? " core" : " cores")
        + (vectorExtensions.isEmpty() ? "" : ", " + String.join(" ", vectorExtensions));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException | RuntimeException e) {
      return ""; // not Linux: the model falls back to os.arch
    }
  }
}
