package com.fruits.core.model;

import com.fruits.core.FruitsException;
import com.fruits.core.Hashing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * Finds the ONNX file of a {@link ModelSource}: the local path when it exists, else the cached download of its
 * URL, else a fresh download (streamed, SHA-256 checked, then moved into the cache atomically, so an interrupted
 * download never leaves a half file behind). The checksum is verified in every case where the spec has one.
 */
public final class ModelResolver {
  private static final Map<String, String> VERIFIED = new ConcurrentHashMap<>();

  private final Path cacheDir;
  private final HttpClient http;

  public ModelResolver(Path cacheDir) {
    this.cacheDir = cacheDir;
    this.http = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(30))
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
  }

  /** The cache folder users get by default: {@code $FRUITS_CACHE} or {@code ~/.cache/fruits/models}. */
  public static Path defaultCacheDir() {
    String env = System.getenv("FRUITS_CACHE");
    return env != null && !env.isBlank()
        ? Path.of(env)
        : Path.of(System.getProperty("user.home"), ".cache", "fruits", "models");
  }

  public Path resolve(ModelSource source) {
    return resolve(source, bytes -> {});
  }

  /** Resolves the model file; {@code progress} receives the downloaded byte count as a download proceeds. */
  public Path resolve(ModelSource source, LongConsumer progress) {
    if (source.path() != null && Files.isRegularFile(source.path())) {
      verify(source.path(), source.sha256());
      return source.path();
    }
    if (source.url() == null) {
      throw new FruitsException("model file not found: " + source.path() + " (and the spec has no url to download it from)");
    }
    Path cached = cacheDir.resolve(source.sha256() + ".onnx");
    if (Files.isRegularFile(cached)) {
      verify(cached, source.sha256());
      return cached;
    }
    return download(source.url(), source.sha256(), cached, progress);
  }

  private Path download(URI url, String sha256, Path target, LongConsumer progress) {
    Path partial = null;
    try {
      Files.createDirectories(cacheDir);
      partial = Files.createTempFile(cacheDir, "download-", ".part");
      HttpResponse<InputStream> response = http.send(
          HttpRequest.newBuilder(url).timeout(Duration.ofMinutes(10)).GET().build(),
          HttpResponse.BodyHandlers.ofInputStream());
      MessageDigest digest = Hashing.sha256();
      try (InputStream in = response.body(); OutputStream out = Files.newOutputStream(partial)) {
        if (response.statusCode() != 200) {
          throw new FruitsException("cannot download model from " + url + ": HTTP " + response.statusCode());
        }
        byte[] buffer = new byte[1 << 16];
        long total = 0;
        for (int n; (n = in.read(buffer)) > 0; ) {
          out.write(buffer, 0, n);
          digest.update(buffer, 0, n);
          total += n;
          progress.accept(total);
        }
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      if (!actual.equals(sha256)) {
        throw new FruitsException("model downloaded from " + url + " has SHA-256 " + actual
            + " but the spec expects " + sha256 + "; refusing to use it");
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      VERIFIED.put(target.toAbsolutePath().toString(), sha256);
      return target;
    } catch (IOException e) {
      throw new FruitsException("cannot download model from " + url + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FruitsException("model download from " + url + " was interrupted");
    } finally {
      if (partial != null) {
        try {
          Files.deleteIfExists(partial);
        } catch (IOException ignored) {
          // best effort: a leftover .part file is ignored by the next run
        }
      }
    }
  }

  private static void verify(Path file, String sha256) {
    if (sha256 == null) {
      return;
    }
    String key = file.toAbsolutePath().toString();
    try {
      key += "@" + Files.size(file) + "@" + Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      throw new FruitsException("cannot read model file " + file + ": " + e.getMessage());
    }
    if (sha256.equals(VERIFIED.get(key))) {
      return;
    }
    String actual = Hashing.sha256Hex(file);
    if (!actual.equals(sha256)) {
      throw new FruitsException("model file " + file + " has SHA-256 " + actual + " but the spec expects " + sha256);
    }
    VERIFIED.put(key, sha256);
  }
}
