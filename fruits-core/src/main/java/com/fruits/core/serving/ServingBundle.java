package com.fruits.core.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fruits.core.FruitsException;
import com.fruits.core.Hashing;
import com.fruits.core.model.ModelSpec;
import com.fruits.core.model.ModelSpecs;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A trained fruit classifier that needs neither Spark nor anything but this class to apply: the plain, versioned
 * format that {@code fruits train} exports and the web server loads.
 *
 * <pre>
 * bundle/bundle.json   {"format": "fruits-bundle", "formatVersion": 1, "labels": [...], "featureDimension": d,
 *                       "components": k, "modelSpec": {...}, "specHash": "...", "arrays": {"file": "bundle.bin",
 *                       "sha256": "...", ...}, "metadata": {...}}
 * bundle/bundle.bin    little-endian float64: mean[d], std[d], pca[d][k] (row-major), coefficients[K][k], intercepts[K]
 * </pre>
 *
 * Scaler → PCA → logistic regression is affine end to end, so loading folds it into one {@code d × K} matrix and a
 * bias: a prediction is one small matrix-vector product and a softmax (tens of microseconds).
 */
public final class ServingBundle {
  public static final String FORMAT = "fruits-bundle";
  public static final int FORMAT_VERSION = 1;
  public static final String JSON_FILE = "bundle.json";
  public static final String ARRAYS_FILE = "bundle.bin";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final List<String> labels;
  private final ModelSpec spec;
  private final String specHash;
  private final int dimension;
  private final int components;
  private final double[] weights; // d x K, row-major
  private final double[] bias; // K
  private final JsonNode metadata;
  private final String version;

  private ServingBundle(List<String> labels, ModelSpec spec, String specHash, BundleContents contents, JsonNode metadata,
      String version) {
    this.version = version;
    this.labels = List.copyOf(labels);
    this.spec = spec;
    this.specHash = specHash;
    this.dimension = contents.featureDimension();
    this.components = contents.components();
    this.metadata = metadata;
    int classes = labels.size();
    int k = components;
    // z = (x - mean) / std ; p = z . P ; logits = W p + b  ==>  logits = x . A + c
    double[] projectedCoefficients = new double[dimension * classes]; // P W^T, d x K
    for (int i = 0; i < dimension; i++) {
      double[] pcaRow = contents.pca()[i];
      for (int c = 0; c < classes; c++) {
        double[] w = contents.coefficients()[c];
        double sum = 0;
        for (int j = 0; j < k; j++) {
          sum += pcaRow[j] * w[j];
        }
        projectedCoefficients[i * classes + c] = sum;
      }
    }
    this.weights = new double[dimension * classes];
    this.bias = contents.intercepts().clone();
    for (int i = 0; i < dimension; i++) {
      double std = contents.std()[i];
      double scale = std == 0 ? 0 : 1 / std;
      for (int c = 0; c < classes; c++) {
        double a = projectedCoefficients[i * classes + c] * scale;
        weights[i * classes + c] = a;
        bias[c] -= contents.mean()[i] * a;
      }
    }
  }

  /** Writes {@code contents} as a bundle into {@code dir} (created if needed). */
  public static void write(Path dir, BundleContents contents) {
    try {
      Files.createDirectories(dir);
      byte[] arrays = arrays(contents);
      Files.write(dir.resolve(ARRAYS_FILE), arrays);
      Files.writeString(dir.resolve(JSON_FILE), json(contents, arrays));
    } catch (IOException e) {
      throw new FruitsException("cannot write bundle to " + dir + ": " + e.getMessage());
    }
  }

  /** The little-endian float64 arrays of the bundle. */
  public static byte[] arrays(BundleContents c) {
    int d = c.featureDimension();
    int k = c.components();
    int classes = c.labels().size();
    ByteBuffer buffer = ByteBuffer.allocate(8 * (2 * d + d * k + classes * k + classes)).order(ByteOrder.LITTLE_ENDIAN);
    Arrays.stream(c.mean()).forEach(buffer::putDouble);
    Arrays.stream(c.std()).forEach(buffer::putDouble);
    for (double[] row : c.pca()) {
      Arrays.stream(row).forEach(buffer::putDouble);
    }
    for (double[] row : c.coefficients()) {
      Arrays.stream(row).forEach(buffer::putDouble);
    }
    Arrays.stream(c.intercepts()).forEach(buffer::putDouble);
    return buffer.array();
  }

  /** The bundle's JSON document for {@code contents} whose arrays are {@code arrays}. */
  public static String json(BundleContents c, byte[] arrays) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("formatVersion", FORMAT_VERSION);
    ArrayNode labels = root.putArray("labels");
    c.labels().forEach(labels::add);
    root.put("featureDimension", c.featureDimension());
    root.put("components", c.components());
    try {
      root.set("modelSpec", JSON.readTree(c.modelSpecJson()));
    } catch (IOException e) {
      throw new IllegalArgumentException("model spec is not JSON", e);
    }
    root.put("specHash", c.specHash());
    ObjectNode arrayInfo = root.putObject("arrays");
    arrayInfo.put("file", ARRAYS_FILE);
    arrayInfo.put("sha256", HexFormat.of().formatHex(Hashing.sha256().digest(arrays)));
    arrayInfo.put("encoding", "float64 little-endian");
    arrayInfo.put("layout", "mean[d], std[d], pca[d][k] row-major, coefficients[K][k] row-major, intercepts[K]");
    root.set("metadata", JSON.valueToTree(c.metadata()));
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static ServingBundle load(Path dir) {
    Path jsonFile = dir.resolve(JSON_FILE);
    JsonNode root;
    byte[] arrays;
    try {
      root = JSON.readTree(Files.readString(jsonFile));
      if (!FORMAT.equals(root.path("format").asText())) {
        throw new FruitsException(jsonFile + " is not a fruits bundle");
      }
      if (root.path("formatVersion").asInt() != FORMAT_VERSION) {
        throw new FruitsException(jsonFile + " has bundle format version " + root.path("formatVersion").asInt()
            + "; this build reads version " + FORMAT_VERSION);
      }
      arrays = Files.readAllBytes(dir.resolve(root.path("arrays").path("file").asText(ARRAYS_FILE)));
    } catch (NoSuchFileException e) {
      throw new FruitsException("no bundle at " + dir + " (missing " + e.getFile() + ")");
    } catch (IOException e) {
      throw new FruitsException("cannot read bundle " + dir + ": " + e.getMessage());
    }
    String expected = root.path("arrays").path("sha256").asText();
    String actual = HexFormat.of().formatHex(Hashing.sha256().digest(arrays));
    if (!actual.equals(expected)) {
      throw new FruitsException("bundle " + dir + " is damaged: " + ARRAYS_FILE + " has SHA-256 " + actual
          + ", bundle.json expects " + expected);
    }
    List<String> labels = new ArrayList<>();
    root.path("labels").forEach(l -> labels.add(l.asText()));
    int d = root.path("featureDimension").asInt();
    int k = root.path("components").asInt();
    int classes = labels.size();
    long expectedBytes = 8L * (2L * d + (long) d * k + (long) classes * k + classes);
    if (arrays.length != expectedBytes) {
      throw new FruitsException("bundle " + dir + " is damaged: " + ARRAYS_FILE + " has " + arrays.length
          + " bytes, expected " + expectedBytes);
    }
    ByteBuffer buffer = ByteBuffer.wrap(arrays).order(ByteOrder.LITTLE_ENDIAN);
    double[] mean = read(buffer, d);
    double[] std = read(buffer, d);
    double[][] pca = new double[d][];
    for (int i = 0; i < d; i++) {
      pca[i] = read(buffer, k);
    }
    double[][] coefficients = new double[classes][];
    for (int c = 0; c < classes; c++) {
      coefficients[c] = read(buffer, k);
    }
    double[] intercepts = read(buffer, classes);
    String specJson = root.path("modelSpec").toString();
    ModelSpec spec = ModelSpecs.parse(specJson, dir.toAbsolutePath(), dir.resolve(JSON_FILE).toString());
    BundleContents contents = new BundleContents(labels, specJson, root.path("specHash").asText(), mean, std, pca,
        coefficients, intercepts, Map.of());
    return new ServingBundle(labels, spec, root.path("specHash").asText(), contents, root.path("metadata"),
        actual.substring(0, 12));
  }

  private static double[] read(ByteBuffer buffer, int n) {
    double[] values = new double[n];
    buffer.asDoubleBuffer().get(values);
    buffer.position(buffer.position() + 8 * n);
    return values;
  }

  /** The bundle's version: the first 12 hex digits of its arrays' SHA-256, which change with every training. */
  public String version() {
    return version;
  }

  public List<String> labels() {
    return labels;
  }

  /** The featurizer spec the classifier was trained on. */
  public ModelSpec modelSpec() {
    return spec;
  }

  public String specHash() {
    return specHash;
  }

  public int featureDimension() {
    return dimension;
  }

  public int components() {
    return components;
  }

  /** Free-form information stored by the trainer (metrics, parameters, provenance). */
  public JsonNode metadata() {
    return metadata;
  }

  /** Class probabilities (softmax), in {@link #labels()} order. */
  public double[] probabilities(float[] features) {
    if (features.length != dimension) {
      throw new IllegalArgumentException("expected " + dimension + " features, got " + features.length);
    }
    int classes = labels.size();
    double[] logits = bias.clone();
    for (int i = 0; i < dimension; i++) {
      double x = features[i];
      if (x == 0) {
        continue;
      }
      int row = i * classes;
      for (int c = 0; c < classes; c++) {
        logits[c] += x * weights[row + c];
      }
    }
    double max = Double.NEGATIVE_INFINITY;
    for (double l : logits) {
      max = Math.max(max, l);
    }
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      logits[c] = Math.exp(logits[c] - max);
      sum += logits[c];
    }
    for (int c = 0; c < classes; c++) {
      logits[c] /= sum;
    }
    return logits;
  }

  /** The {@code n} most probable labels, best first. */
  public List<Prediction> top(float[] features, int n) {
    double[] p = probabilities(features);
    // selection rather than a sort: n is tiny, and sorting boxed indices on every request kept the JIT compiler
    // recompiling TimSort in the server; ties go to the lower index, as a stable sort would
    boolean[] taken = new boolean[p.length];
    List<Prediction> best = new ArrayList<>();
    for (int rank = 0; rank < Math.min(n, p.length); rank++) {
      int arg = -1;
      for (int i = 0; i < p.length; i++) {
        if (!taken[i] && (arg < 0 || p[i] > p[arg])) {
          arg = i;
        }
      }
      taken[arg] = true;
      best.add(new Prediction(labels.get(arg), p[arg]));
    }
    return best;
  }
}
