package com.fruits.core.model;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the ONNX file comes from: a local {@code path} (used when it exists), else {@code url}, downloaded once
 * into a cache. {@code sha256} (hex) is checked either way when present.
 */
public record ModelSource(Path path, URI url, String sha256) {}
