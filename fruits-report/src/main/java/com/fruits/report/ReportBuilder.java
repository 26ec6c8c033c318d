package com.fruits.report;

import com.fruits.core.FruitsException;
import com.fruits.core.run.FeaturizeSummary;
import com.fruits.core.run.ReduceSummary;
import com.fruits.core.run.RunFolder;
import com.fruits.core.run.RunSummaries;
import com.fruits.core.run.TrainSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * One self-contained HTML report (charts embedded as PNG data URIs, no script, no external resource) from a run
 * folder: what featurize, reduce and train wrote. Sections whose inputs are missing say so instead of failing.
 */
public final class ReportBuilder {

  /** Where the stages of one run wrote their outputs. */
  public record RunLayout(Path synthetic, Path features, Path reduced, Path model) {
    /**
     * The {@code fruits pipeline} layout: {@code <run>/synthetic}, {@code <run>/features}, {@code <run>/reduced},
     * {@code <run>/model}.
     */
    public static RunLayout of(Path run) {
      return new RunLayout(run.resolve(RunFolder.SYNTHETIC), run.resolve(RunFolder.FEATURES),
          run.resolve(RunFolder.REDUCED), run.resolve(RunFolder.MODEL));
    }
  }

  /** How the charts name photos whose folder the taxonomy does not map (featurized, never trained on). */
  static final String UNMAPPED = "(not in the taxonomy)";

  private final RunLayout run;
  private final StringBuilder html = new StringBuilder();

  private ReportBuilder(RunLayout run) {
    this.run = run;
  }

  public static void write(RunLayout run, Path out) {
    if (!Files.isDirectory(run.features()) && !Files.isDirectory(run.reduced()) && !Files.isDirectory(run.model())) {
      throw new FruitsException("nothing to report: no features, reduced or model folder under " + run.features().getParent());
    }
    System.setProperty("java.awt.headless", "true");
    String page = new ReportBuilder(run).build();
    try {
      if (out.toAbsolutePath().getParent() != null) {
        Files.createDirectories(out.toAbsolutePath().getParent());
      }
      Files.writeString(out, page);
    } catch (IOException e) {
      throw new FruitsException("cannot write report " + out + ": " + e.getMessage());
    }
  }

  private String build() {
    FeaturizeSummary features = RunSummaries.readIfPresent(run.features().resolve(RunFolder.SUMMARY),
        FeaturizeSummary.class);
    ReduceSummary reduce = RunSummaries.readIfPresent(run.reduced().resolve(RunFolder.SUMMARY), ReduceSummary.class);
    TrainSummary train = RunSummaries.readIfPresent(run.model().resolve(RunFolder.SUMMARY), TrainSummary.class);
    html.append("""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Fruits! run report</title>
        <style>
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1100px;padding:1.5rem;color:#222}
        h1{margin-bottom:.2rem} .sub{color:#666;margin-top:0}
        .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:.8rem;margin:1.2rem 0}
        .card{background:#f4f7f2;border-radius:10px;padding:.8rem} .card b{display:block;font-size:1.5rem}
        figure{margin:1.5rem 0} figure img{max-width:100%;height:auto;border:1px solid #eee;border-radius:6px}
        figcaption{color:#555;font-size:.9rem} .missing{color:#a33}
        table{border-collapse:collapse;font-size:.8rem} td,th{padding:2px 4px;text-align:right;border:1px solid #eee}
        th.row{text-align:left;white-space:nowrap} .confusion{overflow-x:auto}
        .thumbs{display:flex;flex-wrap:wrap;gap:.6rem} .thumbs figure{margin:0;width:150px;font-size:.75rem;color:#444}
        .thumbs img{width:150px;height:150px;object-fit:cover;border-radius:6px;border:1px solid #ddd}
        </style></head><body>
        <h1>Fruits! run report</h1>
        """);
    html.append("<p class=\"sub\">").append(escape(describeRun(features, reduce, train))).append("</p>\n");
    cards(features, reduce, train);
    classBalance();
    rotationBalance();
    explainedVariance(reduce);
    kStudy();
    scatter();
    RealPhotoSections real = new RealPhotoSections(html, run);
    real.results(train);
    real.perSpecies();
    real.worstMistakes();
    real.syntheticSample();
    throughput(features, reduce, train);
    html.append("</body></html>\n");
    return html.toString();
  }

  private static String describeRun(FeaturizeSummary features, ReduceSummary reduce, TrainSummary train) {
    List<String> parts = new ArrayList<>();
    if (features != null) {
      String spec = features.specHash() == null ? "?" : features.specHash().substring(0, 12);
      parts.add("model " + features.model() + " (spec " + spec + ")");
      parts.add("images from " + features.input());
    }
    if (train != null && train.provenance() != null) {
      parts.add("trained " + train.provenance().startedAt());
    } else if (reduce != null && reduce.provenance() != null) {
      parts.add("reduced " + reduce.provenance().startedAt());
    }
    return String.join(" · ", parts);
  }

  private void cards(FeaturizeSummary features, ReduceSummary reduce, TrainSummary train) {
    Map<String, String> cards = new LinkedHashMap<>();
    if (features != null) {
      cards.put("images in the table", String.valueOf(features.tableRows()));
      long failed = features.failuresByReason().values().stream().mapToLong(Long::longValue).sum();
      cards.put("failed images (last run)", String.valueOf(failed));
      cards.put("feature dimension", String.valueOf(features.featureDimension()));
    }
    if (reduce != null) {
      cards.put("k at 80 / 90 / 95 %", reduce.k80() + " / " + reduce.k90() + " / " + reduce.k95());
    }
    if (train != null) {
      orEmpty(train.heldOut()).forEach((source, scores) -> cards.put("species top-1, held-out " + source,
          percent(scores.speciesTop1())));
      orEmpty(train.test()).forEach((source, scores) -> cards.put("species top-1, Test " + source,
          percent(scores.speciesTop1())));
      orEmpty(train.unseen()).forEach((source, scores) -> cards.put("species top-1, unseen " + source,
          percent(scores.speciesTop1())));
      cards.put("labels, species, reg", size(train.labels()) + ", " + size(train.species()) + ", "
          + number(train.regParam()));
    }
    html.append("<div class=\"cards\">");
    cards.forEach((k, v) -> html.append("<div class=\"card\"><b>").append(escape(v)).append("</b>").append(escape(k)).append("</div>"));
    html.append("</div>\n");
  }

  private void classBalance() {
    stackedBars("split", "(no split)", "", "Images per class", "Class balance",
        "Photos per class and split. Classes with more photos weigh more in an unweighted loss; the classifier uses "
            + "class weights N / (K × n_class) to counter it.");
  }

  private void rotationBalance() {
    stackedBars("rotation", "none", "rotation ", "Rotation axis per class", "Rotation-axis balance",
        "Photos per class by the rotation prefix of their file name (r_, r0_/r1_/r2_; none when the name has no "
            + "prefix).");
  }

  /** Images per class from class-balance.csv, stacked by {@code column}. */
  private void stackedBars(String column, String absent, String seriesPrefix, String chartTitle, String title,
      String caption) {
    CsvTable balance = csv(run.reduced().resolve(RunFolder.CLASS_BALANCE));
    if (balance == null) {
      missing(title, "reduce");
      return;
    }
    Map<String, Map<String, Long>> bySeries = new TreeMap<>();
    TreeSet<String> labels = new TreeSet<>();
    for (Map<String, String> row : balance.rows()) {
      String series = seriesPrefix + (row.get(column) == null ? absent : row.get(column));
      String label = row.get("label") == null ? UNMAPPED : row.get("label");
      labels.add(label);
      bySeries.computeIfAbsent(series, s -> new TreeMap<>()).merge(label, Long.parseLong(row.get("images")), Long::sum);
    }
    CategoryChart chart = Charts.bars(chartTitle, "class", "images", 1050, 520);
    chart.getStyler().setStacked(true);
    List<String> x = new ArrayList<>(labels);
    bySeries.forEach((series, counts) ->
        chart.addSeries(series, x, x.stream().map(l -> (Number) counts.getOrDefault(l, 0L)).toList()));
    figure(chart, title, caption);
  }

  private void explainedVariance(ReduceSummary reduce) {
    CsvTable curve = csv(run.reduced().resolve(RunFolder.EXPLAINED_VARIANCE));
    if (curve == null || reduce == null) {
      missing("Explained variance", "reduce");
      return;
    }
    List<Double> k = new ArrayList<>();
    List<Double> cumulative = new ArrayList<>();
    for (Map<String, String> row : curve.rows()) {
      k.add(Double.parseDouble(row.get("component")));
      cumulative.add(Double.parseDouble(row.get("cumulative")));
    }
    XYChart chart = Charts.lines("Cumulative explained variance", "components (k)", "explained variance", 1000, 480);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.addSeries("standardized features", k, cumulative).setMarker(SeriesMarkers.NONE);
    int[] levels = {reduce.k80(), reduce.k90(), reduce.k95()};
    double[] fractions = {0.80, 0.90, 0.95};
    for (int i = 0; i < levels.length; i++) {
      int at = levels[i];
      XYSeries mark = chart.addSeries(String.format(Locale.ROOT, "%.0f %%: k = %d", 100 * fractions[i], at),
          new double[] {1, at, at}, new double[] {fractions[i], fractions[i], 0});
      mark.setMarker(SeriesMarkers.NONE);
      mark.setLineStyle(Charts.dashed());
    }
    figure(chart, "Explained variance", String.format(Locale.ROOT,
        "Standard scaler + PCA fitted on %d %s rows of %d-d features; the reduced table keeps k = %d components "
            + "(%.1f %% of the variance).", reduce.fitRows(), reduce.fitOn(), reduce.featureDimension(), reduce.k(),
        100 * reduce.varianceKept()));
  }

  private void kStudy() {
    CsvTable study = csv(run.reduced().resolve(RunFolder.K_STUDY));
    if (study == null || study.rows().isEmpty()) {
      missing("k versus sample size", "reduce --study 240,2400,all");
      return;
    }
    Map<Long, List<Double>> bySize = new TreeMap<>();
    for (Map<String, String> row : study.rows()) {
      bySize.computeIfAbsent(Long.parseLong(row.get("images")), s -> new ArrayList<>()).add(Double.parseDouble(row.get("k80")));
    }
    List<Double> x = new ArrayList<>();
    List<Double> mean = new ArrayList<>();
    List<Double> spread = new ArrayList<>();
    bySize.forEach((size, ks) -> {
      double m = ks.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      double sd = Math.sqrt(ks.stream().mapToDouble(v -> (v - m) * (v - m)).sum() / Math.max(1, ks.size() - 1));
      x.add((double) size);
      mean.add(m);
      spread.add(sd);
    });
    XYChart chart = Charts.lines("Components for 80 % of the variance, by sample size", "images in the sample",
        "k at 80 %", 1000, 440);
    chart.getStyler().setXAxisLogarithmic(true);
    chart.addSeries("k@80 % (mean ± sd over seeds)", x, mean, spread);
    figure(chart, "k versus sample size", "Stratified samples of the Training rows, several seeds per size: does the "
        + "number of components needed for 80 % of the variance settle as the sample grows?");
  }

  private void scatter() {
    CsvTable points = csv(run.reduced().resolve(RunFolder.SCATTER));
    if (points == null) {
      missing("PCA scatter", "reduce");
      return;
    }
    Map<String, List<double[]>> byLabel = new TreeMap<>();
    for (Map<String, String> row : points.rows()) {
      byLabel.computeIfAbsent(row.get("label") == null ? UNMAPPED : row.get("label"), l -> new ArrayList<>())
          .add(new double[] {Double.parseDouble(row.get("pc1")), Double.parseDouble(row.get("pc2"))});
    }
    XYChart chart = Charts.lines("First two principal components", "PC 1", "PC 2", 1050, 700);
    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
    chart.getStyler().setMarkerSize(5);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    byLabel.forEach((label, xy) -> chart.addSeries(label, xy.stream().mapToDouble(p -> p[0]).toArray(),
        xy.stream().mapToDouble(p -> p[1]).toArray()));
    figure(chart, "2-D PCA scatter", "A sample of up to 3,000 images on the first two components, one colour (and "
        + "marker) per class.");
  }

  private void throughput(FeaturizeSummary latestFeatures, ReduceSummary reduce, TrainSummary train) {
    FeaturizeSummary features = lastRunThatFeaturized(latestFeatures);
    Map<String, Double> seconds = new LinkedHashMap<>();
    add(seconds, "featurize", features == null ? null : features.stageSeconds());
    add(seconds, "reduce", reduce == null ? null : reduce.stageSeconds());
    add(seconds, "train", train == null ? null : train.stageSeconds());
    if (seconds.isEmpty()) {
      missing("Throughput", "featurize");
      return;
    }
    CategoryChart chart = Charts.bars("Wall seconds per stage", "stage", "seconds", 1000, 480);
    chart.getStyler().setLegendVisible(false);
    chart.addSeries("seconds", new ArrayList<>(seconds.keySet()), new ArrayList<>(seconds.values()));
    String caption = features == null ? "" : String.format(Locale.ROOT,
        "Featurize: %.1f images/s over %d images on %s (%d cores, %d thread(s) per task, batch %d).",
        features.imagesPerSecond(), features.imagesProcessed(), features.sparkMaster(), features.totalCores(),
        features.threadsPerTask(), features.batchSize());
    if (train != null && train.blas() != null) {
      caption = (caption + String.format(Locale.ROOT, " Train: %d L-BFGS iterations a fit on %s (%s).",
          train.maxIter(), train.blas(), TrainSummary.isNativeBlas(train.blas()) ? "native BLAS"
              : "Java BLAS: a native one, e.g. OpenBLAS, fits faster")).strip();
    }
    figure(chart, "Throughput per stage", caption);
  }

  /**
   * The throughput of the featurize run that did the work: a later {@code --resume} run that found nothing new
   * writes its own (empty) summary, while {@code features/runs/} keeps every run's.
   */
  private FeaturizeSummary lastRunThatFeaturized(FeaturizeSummary latest) {
    if (latest == null || latest.imagesProcessed() > 0) {
      return latest;
    }
    Path runs = run.features().resolve(RunFolder.RUNS);
    if (!Files.isDirectory(runs)) {
      return latest;
    }
    try (var files = Files.list(runs)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted(java.util.Comparator.reverseOrder())
          .map(f -> RunSummaries.readIfPresent(f, FeaturizeSummary.class))
          .filter(s -> s != null && s.imagesProcessed() > 0)
          .findFirst().orElse(latest);
    } catch (IOException e) {
      return latest;
    }
  }

  private static void add(Map<String, Double> seconds, String command, Map<String, Double> stageSeconds) {
    if (stageSeconds != null) {
      stageSeconds.forEach((stage, value) -> seconds.put(command + ": " + stage, value));
    }
  }

  /** A summary's map, or an empty one where an older summary lacks it. */
  static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  private static int size(List<?> list) {
    return list == null ? 0 : list.size();
  }

  static String percent(double share) {
    return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * share);
  }

  /** A parameter as people write it: 8, 0.000001 (not 8.0, 1.0E-6). */
  static String number(double value) {
    return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private void figure(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, String title, String caption) {
    figure(html, chart, title, caption);
  }

  static void figure(StringBuilder html, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, String title,
      String caption) {
    html.append("<h2>").append(escape(title)).append("</h2>\n<figure><img alt=\"").append(escape(title))
        .append("\" src=\"").append(Charts.dataUri(chart)).append("\"><figcaption>").append(escape(caption))
        .append("</figcaption></figure>\n");
  }

  private void missing(String title, String command) {
    missing(html, title, command);
  }

  static void missing(StringBuilder html, String title, String command) {
    html.append("<h2>").append(escape(title)).append("</h2>\n<p class=\"missing\">Not available: run <code>fruits ")
        .append(escape(command)).append("</code> first.</p>\n");
  }

  static CsvTable csv(Path file) {
    return Files.isRegularFile(file) ? CsvTable.read(file) : null;
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
