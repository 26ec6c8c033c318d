package com.fruits.core.serving;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fruits.core.FruitsException;
import com.fruits.core.Hashing;
import com.fruits.core.featurize.OnnxFeaturizer;
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
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A trained fruit classifier that needs neither Spark nor anything but this class to apply: the plain, versioned
 * format that {@code fruits train} exports and the web server loads.
 *
 * <pre>
 * bundle/bundle.json   {"format": "fruits-bundle", "formatVersion": 4, "labels": [...], "featureDimension": d,
 *                       "components": k, "color": {"descriptor": "...", "bins": b, "weight": w},
 *                       "modelSpec": {...}, "specHash": "...", "arrays": {"file": "bundle.bin", "sha256": "...", ...},
 *                       "imagenetPrior": {"beta": 0.5, "others": "not-a-fruit", "classes": {"954": "banana", ...},
 *                                         "veto": {"quantile": 0.999, "limits": {"lemon": 0.93, ...}}},
 *                       "metadata": {...}}
 * bundle/bundle.bin    little-endian float64: mean[d], std[d], pca[d][k] (row-major), colorMean[b], colorStd[b],
 *                      coefficients[K][k + b] (row-major), intercepts[K]
 * </pre>
 *
 * Version 1 bundles (no colour term, b = 0) load as they are. Version 3 adds {@code "projection": "none"}: no PCA
 * array, the classifier reads the d standardized features (k = d). Version 4 adds the optional {@code imagenetPrior}
 * ({@link ImageNetPrior}): the answer also weighs the backbone's ImageNet head, and {@link #labels()} end with the
 * prior's zero-shot species; its optional {@code veto} ({@link HeadVeto}) came later in the same version, and a reader
 * without it answers as before. Scaler → PCA → logistic regression is affine end to
 * end, and so is the colour term, so loading folds them into a {@code d × K} and a {@code b × K} matrix and a bias: a
 * prediction is two small matrix-vector products and a softmax (tens of microseconds).
 */
public final class ServingBundle {
  public static final String FORMAT = "fruits-bundle";
  public static final int FORMAT_VERSION = 4;
  public static final String JSON_FILE = "bundle.json";
  public static final String ARRAYS_FILE = "bundle.bin";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** The classifier's labels; {@link #labels()} adds the prior's zero-shot species. */
  private final List<String> labels;
  private final ImageNetPrior prior;
  private final ModelSpec spec;
  private final String specHash;
  private final int dimension;
  private final int components;
  private final BundleContents.ColorTerm color;
  private final double[] weights; // d x K, row-major
  private final double[] colorWeights; // b x K, row-major
  private final double[] bias; // K
  private final JsonNode metadata;
  private final String version;

  private ServingBundle(List<String> labels, ModelSpec spec, String specHash, BundleContents contents, JsonNode metadata,
      String version) {
    this.version = version;
    this.labels = List.copyOf(labels);
    this.prior = contents.prior();
    this.spec = spec;
    this.specHash = specHash;
    this.dimension = contents.featureDimension();
    this.components = contents.components();
    this.color = contents.color();
    this.metadata = metadata;
    int classes = labels.size();
    int k = components;
    // z = (x - mean) / std ; p = z . P ; logits = W p + b  ==>  logits = x . A + c
    double[] projectedCoefficients = new double[dimension * classes]; // P W^T, d x K
    for (int i = 0; i < dimension; i++) {
      double[] pcaRow = contents.unprojected() ? null : contents.pca()[i];
      for (int c = 0; c < classes; c++) {
        double[] w = contents.coefficients()[c];
        double sum = 0;
        if (pcaRow == null) {
          sum = w[i];
        } else {
          for (int j = 0; j < k; j++) {
            sum += pcaRow[j] * w[j];
          }
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
    // colour inputs: weight * (h - colorMean) / colorStd  ==>  logits += h . B + c'
    int bins = color.bins();
    this.colorWeights = new double[bins * classes];
    for (int j = 0; j < bins; j++) {
      double std = color.std()[j];
      double scale = std == 0 ? 0 : color.weight() / std;
      for (int c = 0; c < classes; c++) {
        double a = contents.coefficients()[c][k + j] * scale;
        colorWeights[j * classes + c] = a;
        bias[c] -= color.mean()[j] * a;
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
    int b = c.color().bins();
    ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(8 * arrayCount(d, k, c.unprojected(), b, classes)))
        .order(ByteOrder.LITTLE_ENDIAN);
    Arrays.stream(c.mean()).forEach(buffer::putDouble);
    Arrays.stream(c.std()).forEach(buffer::putDouble);
    if (!c.unprojected()) {
      for (double[] row : c.pca()) {
        Arrays.stream(row).forEach(buffer::putDouble);
      }
    }
    Arrays.stream(c.color().mean()).forEach(buffer::putDouble);
    Arrays.stream(c.color().std()).forEach(buffer::putDouble);
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
    root.put("projection", c.unprojected() ? "none" : "pca");
    ObjectNode color = root.putObject("color");
    color.put("descriptor", c.color().descriptor());
    color.put("bins", c.color().bins());
    color.put("weight", c.color().weight());
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
    arrayInfo.put("layout", "mean[d], std[d], pca[d][k] row-major (absent when projection is none), colorMean[b], "
        + "colorStd[b], coefficients[K][k+b] row-major, intercepts[K]");
    if (c.prior() != null) {
      root.set("imagenetPrior", priorJson(c.prior()));
    }
    root.set("metadata", JSON.valueToTree(c.metadata()));
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The prior's weight and its map, the map as the classes that differ from the most common species. */
  private static ObjectNode priorJson(ImageNetPrior prior) {
    ObjectNode node = JSON.createObjectNode();
    node.put("beta", prior.beta());
    if (prior.veto() != null) {
      ObjectNode veto = node.putObject("veto");
      veto.put("quantile", prior.veto().quantile());
      ObjectNode limits = veto.putObject("limits");
      prior.veto().limits().forEach(limits::put);
    }
    String[] map = prior.map();
    Map<String, Long> counts = Arrays.stream(map).filter(Objects::nonNull)
        .collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    String others = counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    node.put("others", others);
    ObjectNode classes = node.putObject("classes");
    for (int i = 0; i < map.length; i++) {
      if (!Objects.equals(map[i], others)) {
        classes.put(Integer.toString(i), map[i]);
      }
    }
    return node;
  }

  private static ImageNetPrior priorOf(JsonNode node, List<String> labels, String where) {
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    String[] map = new String[OnnxFeaturizer.HEAD_CLASSES];
    Arrays.fill(map, node.path("others").isTextual() ? node.path("others").asText() : null);
    node.path("classes").fields().forEachRemaining(e -> {
      int index = e.getKey().matches("\\d{1,4}") ? Integer.parseInt(e.getKey()) : -1;
      if (index < 0 || index >= map.length) {
        throw new FruitsException(where + ": imagenetPrior names class '" + e.getKey() + "', not one of 0.."
            + (map.length - 1));
      }
      map[index] = e.getValue().isTextual() ? e.getValue().asText() : null;
    });
    return new ImageNetPrior(labels, map, node.path("beta").asDouble(), vetoOf(node.path("veto"), where));
  }

  private static HeadVeto vetoOf(JsonNode node, String where) {
    if (node.isMissingNode() || node.isNull()) {
      return null;
    }
    Map<String, Double> limits = new TreeMap<>();
    node.path("limits").fields().forEachRemaining(e -> limits.put(e.getKey(), e.getValue().asDouble(Double.NaN)));
    try {
      return new HeadVeto(node.path("quantile").asDouble(Double.NaN), limits);
    } catch (IllegalArgumentException e) {
      throw new FruitsException(where + ": imagenetPrior.veto: " + e.getMessage());
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
      int version = root.path("formatVersion").asInt();
      if (version < 1 || version > FORMAT_VERSION) {
        throw new FruitsException(jsonFile + " has bundle format version " + version
            + "; this build reads versions 1 to " + FORMAT_VERSION);
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
    JsonNode colorNode = root.path("color"); // absent in version 1: no colour term
    int b = colorNode.path("bins").asInt(0);
    boolean unprojected = "none".equals(root.path("projection").asText("pca"));
    long expectedBytes = 8L * arrayCount(d, k, unprojected, b, classes);
    if (arrays.length != expectedBytes) {
      throw new FruitsException("bundle " + dir + " is damaged: " + ARRAYS_FILE + " has " + arrays.length
          + " bytes, expected " + expectedBytes);
    }
    ByteBuffer buffer = ByteBuffer.wrap(arrays).order(ByteOrder.LITTLE_ENDIAN);
    double[] mean = read(buffer, d);
    double[] std = read(buffer, d);
    double[][] pca = unprojected ? null : new double[d][];
    for (int i = 0; !unprojected && i < d; i++) {
      pca[i] = read(buffer, k);
    }
    BundleContents.ColorTerm color = b == 0 ? BundleContents.ColorTerm.NONE : new BundleContents.ColorTerm(
        colorNode.path("descriptor").asText(), read(buffer, b), read(buffer, b), colorNode.path("weight").asDouble());
    double[][] coefficients = new double[classes][];
    for (int c = 0; c < classes; c++) {
      coefficients[c] = read(buffer, k + b);
    }
    double[] intercepts = read(buffer, classes);
    String specJson = root.path("modelSpec").toString();
    ModelSpec spec = ModelSpecs.parse(specJson, dir.toAbsolutePath(), dir.resolve(JSON_FILE).toString());
    ImageNetPrior prior = priorOf(root.path("imagenetPrior"), labels, jsonFile.toString());
    BundleContents contents = new BundleContents(labels, specJson, root.path("specHash").asText(), mean, std, pca,
        color, coefficients, intercepts, Map.of(), prior);
    return new ServingBundle(labels, spec, root.path("specHash").asText(), contents, root.path("metadata"),
        versionOfHash(actual));
  }

  /** Doubles in {@code bundle.bin}. */
  private static long arrayCount(int d, int k, boolean unprojected, int b, int classes) {
    return 2L * d + (unprojected ? 0 : (long) d * k) + 2L * b + (long) classes * (k + b) + classes;
  }

  /** The version a bundle with these arrays has: the first 12 hex digits of their SHA-256. */
  public static String versionOf(byte[] arrays) {
    return versionOfHash(HexFormat.of().formatHex(Hashing.sha256().digest(arrays)));
  }

  private static String versionOfHash(String arraysSha256Hex) {
    return arraysSha256Hex.substring(0, 12);
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

  /** The labels of {@link #probabilities}: the classifier's, then the prior's zero-shot species (if any). */
  public List<String> labels() {
    return prior == null ? labels : prior.labels();
  }

  /** The ImageNet prior the answer weighs in, or null. */
  public ImageNetPrior prior() {
    return prior;
  }

  /** Whether answers need the photo's ImageNet logits ({@link #probabilities(float[], float[], float[])}). */
  public boolean usesHead() {
    return prior != null && prior.usesHead();
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

  /** The colour term of the classifier's input; {@link BundleContents.ColorTerm#NONE} when it has none. */
  public BundleContents.ColorTerm color() {
    return color;
  }

  /** Whether predictions need the photo's {@link com.fruits.core.image.ColorHistogram} beside its features. */
  public boolean usesColor() {
    return color.bins() > 0;
  }

  /** Free-form information stored by the trainer (metrics, parameters, provenance). */
  public JsonNode metadata() {
    return metadata;
  }

  /**
   * Label probabilities, in {@link #labels()} order, of a photo's features, its colour histogram ({@code color} is
   * ignored, and may be null, when the bundle has no {@linkplain #usesColor() colour term}) and its ImageNet logits
   * ({@code head}; null: the classifier alone, as when the bundle has no prior).
   */
  public double[] probabilities(float[] features, float[] color, float[] head) {
    double[] p = probabilities(features, color);
    return prior == null ? p : prior.apply(p, head);
  }

  /** The species the prior's {@link HeadVeto} doubts for a photo whose head gave {@code head} (none: no veto). */
  public Set<String> doubted(float[] head) {
    return prior == null ? Set.of() : prior.doubted(head);
  }

  /** The classifier's own label probabilities (softmax), in its label order, without the ImageNet prior. */
  public double[] probabilities(float[] features, float[] color) {
    if (features.length != dimension) {
      throw new IllegalArgumentException("expected " + dimension + " features, got " + features.length);
    }
    int bins = this.color.bins();
    if (bins > 0 && (color == null || color.length != bins)) {
      throw new IllegalArgumentException("expected a " + bins + "-bin colour histogram, got "
          + (color == null ? "none" : color.length + " bins"));
    }
    int classes = labels.size();
    double[] logits = bias.clone();
    addProduct(features, weights, logits);
    if (bins > 0) {
      addProduct(color, colorWeights, logits);
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

  /** {@code logits += values · matrix}, {@code matrix} row-major with one row per value; zero values are skipped. */
  private static void addProduct(float[] values, double[] matrix, double[] logits) {
    int classes = logits.length;
    for (int i = 0; i < values.length; i++) {
      double x = values[i];
      if (x == 0) {
        continue;
      }
      int row = i * classes;
      for (int c = 0; c < classes; c++) {
        logits[c] += x * matrix[row + c];
      }
    }
  }

  /** The {@code n} most probable labels, best first ({@code color} as in {@link #probabilities}). */
  public List<Prediction> top(float[] features, float[] color, int n) {
    return top(probabilities(features, color, null), n);
  }

  /** The {@code n} most probable labels of the label probabilities {@code p} ({@link #probabilities}), best first. */
  public List<Prediction> top(double[] p, int n) {
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
      best.add(new Prediction(labels().get(arg), p[arg]));
    }
    return best;
  }
}
