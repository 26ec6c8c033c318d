package com.fruits.core.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fruits.core.FruitsException;
import com.fruits.core.Hashing;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one parser and writer of model spec files (JSON). A spec file looks like:
 *
 * <pre>{@code
 * {
 *   "name": "mobilenetv2-imagenet",
 *   "model":  { "path": "../../shared/models/mobilenetv2-imagenet.onnx", "url": null, "sha256": "8b42..." },
 *   "input":  { "name": "input", "width": 224, "height": 224, "channelOrder": "RGB",
 *               "scale": 0.00392156862745098, "mean": [0.485, 0.456, 0.406], "std": [0.229, 0.224, 0.225],
 *               "resize": { "mode": "center-crop", "cropFraction": 1.0 } },
 *   "output": { "name": "features", "pooling": "none", "head": "output" },
 *   "batch": "dynamic"
 * }
 * }</pre>
 *
 * {@code output.head} (optional) names the graph's own 1000-class ImageNet output: the featurizer then records its
 * logits beside the features, for the classifier's ImageNet prior.
 *
 * A relative {@code model.path} is resolved against the spec file's folder. Every problem is reported as one
 * {@link FruitsException} line naming the file and the field.
 */
public final class ModelSpecs {
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private ModelSpecs() {}

  public static ModelSpec load(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new FruitsException("model spec not found: " + file);
    } catch (IOException e) {
      throw new FruitsException("cannot read model spec " + file + ": " + e.getMessage());
    }
    Path base = file.toAbsolutePath().getParent();
    return parse(text, base, file.toString());
  }

  /** Parses spec JSON; relative model paths resolve against {@code baseDir}; {@code origin} names it in errors. */
  public static ModelSpec parse(String json, Path baseDir, String origin) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new FruitsException("model spec " + origin + ": is not valid JSON (" + e.getOriginalMessage()
          .replaceAll("\\s+", " ") + " at line " + e.getLocation().getLineNr() + ")");
    }
    Reader r = new Reader(origin);
    if (root == null || !root.isObject()) {
      throw r.error("", "must be a JSON object");
    }
    String name = r.text(root, "name", true);
    String description = r.text(root, "description", false);

    JsonNode model = r.object(root, "model");
    String pathText = r.text(model, "model.path", false);
    String urlText = r.text(model, "model.url", false);
    String sha = r.text(model, "model.sha256", false);
    if (pathText == null && urlText == null) {
      throw r.error("model", "needs a path or a url");
    }
    if (sha != null && !sha.matches("(?i)[0-9a-f]{64}")) {
      throw r.error("model.sha256", "must be 64 hex digits");
    }
    Path path = pathText == null ? null : baseDir.resolve(pathText).normalize();
    URI url;
    try {
      url = urlText == null ? null : URI.create(urlText);
    } catch (IllegalArgumentException e) {
      throw r.error("model.url", "is not a valid URL: " + urlText);
    }
    if (url != null && sha == null) {
      throw r.error("model.sha256", "is required when the model is downloaded from a url");
    }
    ModelSource source = new ModelSource(path, url, sha == null ? null : sha.toLowerCase(Locale.ROOT));

    JsonNode in = r.object(root, "input");
    int width = r.positiveInt(in, "input.width");
    int height = r.positiveInt(in, "input.height");
    ChannelOrder order = r.enumValue(in, "input.channelOrder", ChannelOrder.class, ChannelOrder.RGB);
    double scale = r.number(in, "input.scale", 1.0);
    List<Double> mean = r.triple(in, "input.mean", 0.0);
    List<Double> std = r.triple(in, "input.std", 1.0);
    for (double s : std) {
      if (s == 0) {
        throw r.error("input.std", "must not contain 0");
      }
    }
    ResizePolicy resize = r.resize(in);
    InputSpec input = new InputSpec(r.text(in, "input.name", true), width, height, order, scale, mean, std, resize);

    JsonNode out = r.object(root, "output");
    OutputSpec output = new OutputSpec(
        r.text(out, "output.name", true), r.enumValue(out, "output.pooling", Pooling.class, Pooling.NONE),
        r.text(out, "output.head", false));

    int batch;
    JsonNode batchNode = root.get("batch");
    if (batchNode == null || batchNode.isNull() || "dynamic".equals(batchNode.asText())) {
      batch = 0;
    } else if (batchNode.canConvertToInt() && batchNode.isIntegralNumber() && batchNode.asInt() > 0) {
      batch = batchNode.asInt();
    } else {
      throw r.error("batch", "must be \"dynamic\" or a positive integer, got " + batchNode);
    }
    return new ModelSpec(name, description, source, input, output, batch);
  }

  /** The spec as a JSON document (paths absolute), e.g. to store next to a feature table or in a bundle. */
  public static String toJson(ModelSpec spec) {
    ObjectNode root = JSON.createObjectNode();
    root.put("name", spec.name());
    if (spec.description() != null) {
      root.put("description", spec.description());
    }
    ObjectNode model = root.putObject("model");
    model.put("path", spec.source().path() == null ? null : spec.source().path().toString());
    model.put("url", spec.source().url() == null ? null : spec.source().url().toString());
    model.put("sha256", spec.source().sha256());
    root.set("input", inputJson(spec.input()));
    root.set("output", outputJson(spec.output()));
    if (spec.dynamicBatch()) {
      root.put("batch", "dynamic");
    } else {
      root.put("batch", spec.batchSize());
    }
    return write(root);
  }

  /**
   * The fields that decide what a feature vector means (model bytes' hash, input conventions, output, batch),
   * in a fixed order. Name, description and file location are left out on purpose.
   */
  public static String canonicalJson(ModelSpec spec) {
    ObjectNode root = JSON.createObjectNode();
    root.put("modelSha256", spec.source().sha256());
    root.set("input", inputJson(spec.input()));
    root.set("output", outputJson(spec.output()));
    root.put("batch", spec.batchSize());
    try {
      return JSON.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static String hash(ModelSpec spec) {
    return Hashing.sha256Hex(canonicalJson(spec));
  }

  private static ObjectNode inputJson(InputSpec in) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", in.name());
    node.put("width", in.width());
    node.put("height", in.height());
    node.put("channelOrder", in.channelOrder().name());
    node.put("scale", in.scale());
    ArrayNode mean = node.putArray("mean");
    in.mean().forEach(mean::add);
    ArrayNode std = node.putArray("std");
    in.std().forEach(std::add);
    ObjectNode resize = node.putObject("resize");
    resize.put("mode", in.resize().mode().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    resize.put("cropFraction", in.resize().cropFraction());
    return node;
  }

  private static ObjectNode outputJson(OutputSpec out) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", out.name());
    node.put("pooling", out.pooling().name().toLowerCase(Locale.ROOT));
    if (out.hasHead()) { // only then: a spec without a head keeps the hash it always had
      node.put("head", out.head());
    }
    return node;
  }

  private static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Field access with one-line errors that name the spec and the field. */
  private record Reader(String origin) {
    FruitsException error(String field, String problem) {
      return new FruitsException("model spec " + origin + ": " + (field.isEmpty() ? "" : field + " ") + problem);
    }

    JsonNode object(JsonNode parent, String field) {
      JsonNode node = parent.get(field);
      if (node == null || !node.isObject()) {
        throw error(field, "is required and must be an object");
      }
      return node;
    }

    String text(JsonNode parent, String field, boolean required) {
      JsonNode node = parent.get(leaf(field));
      if (node == null || node.isNull()) {
        if (required) {
          throw error(field, "is required");
        }
        return null;
      }
      if (!node.isTextual() || node.asText().isBlank()) {
        throw error(field, "must be a non-empty string");
      }
      return node.asText();
    }

    int positiveInt(JsonNode parent, String field) {
      JsonNode node = parent.get(leaf(field));
      if (node == null || !node.isIntegralNumber() || node.asInt() <= 0) {
        throw error(field, "must be a positive integer");
      }
      return node.asInt();
    }

    double number(JsonNode parent, String field, double fallback) {
      JsonNode node = parent.get(leaf(field));
      if (node == null || node.isNull()) {
        return fallback;
      }
      if (!node.isNumber()) {
        throw error(field, "must be a number");
      }
      return node.asDouble();
    }

    List<Double> triple(JsonNode parent, String field, double fallback) {
      JsonNode node = parent.get(leaf(field));
      if (node == null || node.isNull()) {
        return List.of(fallback, fallback, fallback);
      }
      if (node.isNumber()) {
        return List.of(node.asDouble(), node.asDouble(), node.asDouble());
      }
      if (!node.isArray() || node.size() != 3) {
        throw error(field, "must be a number or an array of 3 numbers");
      }
      List<Double> values = new ArrayList<>(3);
      for (JsonNode v : node) {
        if (!v.isNumber()) {
          throw error(field, "must contain numbers only");
        }
        values.add(v.asDouble());
      }
      return values;
    }

    <E extends Enum<E>> E enumValue(JsonNode parent, String field, Class<E> type, E fallback) {
      String text = text(parent, field, false);
      if (text == null) {
        return fallback;
      }
      try {
        return Enum.valueOf(type, text.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        List<String> allowed = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
          allowed.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        throw error(field, "must be one of " + allowed + ", got \"" + text + "\"");
      }
    }

    ResizePolicy resize(JsonNode input) {
      JsonNode node = input.get("resize");
      if (node == null || node.isNull()) {
        return ResizePolicy.STRETCH;
      }
      if (node.isTextual()) {
        ResizePolicy.Mode mode = enumValue(input, "input.resize", ResizePolicy.Mode.class, ResizePolicy.Mode.STRETCH);
        return new ResizePolicy(mode, 1.0);
      }
      if (!node.isObject()) {
        throw error("input.resize", "must be \"stretch\", \"center-crop\" or an object");
      }
      ResizePolicy.Mode mode = enumValue(node, "input.resize.mode", ResizePolicy.Mode.class, ResizePolicy.Mode.STRETCH);
      double fraction = number(node, "input.resize.cropFraction", 1.0);
      try {
        return new ResizePolicy(mode, fraction);
      } catch (IllegalArgumentException e) {
        throw error("input.resize", e.getMessage());
      }
    }

    private static String leaf(String field) {
      return field.substring(field.lastIndexOf('.') + 1);
    }
  }
}
