package com.fruits.report;

import com.fruits.core.run.RunFolder;
import com.fruits.core.run.RunSummaries;
import com.fruits.core.run.SynthesizeSummary;
import com.fruits.core.run.TrainSummary;
import com.fruits.core.serving.HeadVeto;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.knowm.xchart.CategoryChart;

/**
 * The report's sections on real photos: the train job's scores per source (held out, Test, unseen), species top-1
 * per species, thumbnails of the most confident mistakes, and a sample of the synthetic scenes. Reads
 * {@code model/summary.json}, {@code model/predictions.csv} and {@code synthetic/images/}.
 */
final class RealPhotoSections {
  static final int THUMBNAIL = 150;
  static final int MISTAKES = 12;
  static final int SCENES = 12;

  private final StringBuilder html;
  private final ReportBuilder.RunLayout run;

  RealPhotoSections(StringBuilder html, ReportBuilder.RunLayout run) {
    this.html = html;
    this.run = run;
  }

  /** One table: every set of photos the model was scored on, as the app answers them. */
  void results(TrainSummary train) {
    if (train == null || train.heldOut() == null) {
      ReportBuilder.missing(html, "Real photos", "train");
      return;
    }
    html.append("<h2>Real photos</h2>\n<table><tr><th class=\"row\">photos</th><th>fruit photos</th>"
        + "<th>species top-1</th><th>variety top-1</th><th>answered</th><th>precision when answered</th>"
        + "<th>not-a-fruit photos</th><th>not-a-fruit refused</th></tr>\n");
    row("held out", train.heldOut());
    row("Test split", ReportBuilder.orEmpty(train.test()));
    row("unseen source", ReportBuilder.orEmpty(train.unseen()));
    html.append("</table><p class=\"sub\">").append(ReportBuilder.escape(String.format(Locale.ROOT,
        "As the app answers: from the mean of each photo's views, a fruit named when its species reaches the "
            + "threshold %.3f (fitted on the %s split for %.0f %% precision), its variety when it holds %.0f %% of "
            + "the species. Held out: each source's Validation split, never trained on. Unseen source: a model "
            + "fitted without that source (nor the synthetic scenes on its backgrounds, nor any scene when it is the "
            + "studio they were cut from), scored on all its photos; its 'species top-1' counts the photos of "
            + "species that model knows, photos of other species count in 'answered' and 'precision' (an answer for "
            + "them is wrong).",
        train.threshold(), train.thresholdFittedOn(), 100 * train.targetPrecision(),
        100 * train.varietyConfidence()))).append("</p>\n");
    imagenetPrior(train.imagenetPrior());
  }

  /** How much the backbone's own ImageNet head weighs in, how that was chosen, and what it names alone. */
  private void imagenetPrior(TrainSummary.PriorChoice prior) {
    if (prior == null) {
      return;
    }
    StringBuilder search = new StringBuilder();
    (prior.search() == null ? List.<TrainSummary.PriorPoint>of() : prior.search()).forEach(p -> search
        .append(search.isEmpty() ? "" : "; ").append(String.format(Locale.ROOT,
            "%s → %s unseen, %s held out, %s Test%s", ReportBuilder.number(p.beta()),
            ReportBuilder.percent(p.unseen()), ReportBuilder.percent(p.heldOut()), ReportBuilder.percent(p.test()),
            p.admissible() ? "" : " (too costly)")));
    List<String> zeroShot = prior.zeroShot() == null ? List.of() : prior.zeroShot();
    html.append("<p class=\"sub\">").append(ReportBuilder.escape(String.format(Locale.ROOT,
        "ImageNet prior: the answer weighs in MobileNetV2's own ImageNet head with weight %s, the best on the %s "
            + "photos among the weights that cost the held-out photos and Test at most half a point%s. Species it "
            + "names from the head alone (no training photo): %s.",
        ReportBuilder.number(prior.beta()), prior.chosenOn(),
        search.isEmpty() ? "" : " (species or not-a-fruit right, per weight: " + search + ")",
        zeroShot.isEmpty() ? "none" : String.join(", ", zeroShot)))).append("</p>\n");
    HeadVeto veto = prior.headVeto();
    if (veto != null) {
      StringBuilder strict = new StringBuilder();
      veto.limits().entrySet().stream().sorted(Map.Entry.comparingByValue()).limit(6).forEach(e -> strict
          .append(strict.isEmpty() ? "" : ", ").append(e.getKey())
          .append(String.format(Locale.ROOT, " %.2f", e.getValue())));
      html.append("<p class=\"sub\">").append(ReportBuilder.escape(String.format(Locale.ROOT,
          "Head veto: a species is not named when the head puts more of its mass on things that are not fruit than "
              + "it did for %s of that species' real and studio training photos (strictest limits: %s).",
          veto.quantile() == 1 ? "any" : ReportBuilder.percent(veto.quantile()), strict))).append("</p>\n");
    }
  }

  private void row(String kind, Map<String, TrainSummary.Scores> bySource) {
    bySource.forEach((source, s) -> html.append("<tr><th class=\"row\">")
        .append(ReportBuilder.escape(kind + ": " + source)).append("</th>")
        .append(cell(String.valueOf(s.fruitPhotos())))
        .append(cell(ReportBuilder.percent(s.speciesTop1())))
        .append(cell(ReportBuilder.percent(s.varietyTop1())))
        .append(cell(ReportBuilder.percent(s.answered())))
        .append(cell(ReportBuilder.percent(s.precision())))
        .append(cell(String.valueOf(s.notFruitPhotos())))
        .append(cell(ReportBuilder.percent(s.notFruitRefused())))
        .append("</tr>\n"));
  }

  private static String cell(String text) {
    return "<td>" + ReportBuilder.escape(text) + "</td>";
  }

  /** Species top-1 per species, per set of scored photos (held out, Test, unseen). */
  void perSpecies() {
    CsvTable predictions = ReportBuilder.csv(run.model().resolve(RunFolder.PREDICTIONS));
    if (predictions == null) {
      ReportBuilder.missing(html, "Species top-1 per species", "train");
      return;
    }
    Map<String, Map<String, long[]>> bySet = new TreeMap<>();
    for (Map<String, String> r : predictions.rows()) {
      String species = r.get("species");
      if (species == null || species.isEmpty()) {
        continue;
      }
      String set = r.get("scored_as") + " " + r.get("source");
      long[] counts = bySet.computeIfAbsent(set, k -> new TreeMap<>()).computeIfAbsent(species, k -> new long[2]);
      counts[0]++;
      counts[1] += species.equals(r.get("answer_species")) ? 1 : 0;
    }
    if (bySet.isEmpty()) {
      return;
    }
    List<String> species = bySet.values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted().toList();
    CategoryChart chart = Charts.bars("Species top-1 per species", "species", "top-1 (%)", 1000, 520);
    chart.getStyler().setXAxisLabelRotation(60);
    bySet.forEach((set, counts) -> chart.addSeries(set, species, species.stream()
        .map(sp -> counts.containsKey(sp) ? 100.0 * counts.get(sp)[1] / counts.get(sp)[0] : 0.0).toList()));
    ReportBuilder.figure(html, chart, "Species top-1 per species", "Share of each species' photos whose most "
        + "probable species is right, per set of photos (not-a-fruit: share whose most probable answer is not-a-fruit).");
  }

  /**
   * The photos the model got wrong with the most confidence, held-out ones first, then those of unseen sources:
   * what to look at first.
   */
  void worstMistakes() {
    CsvTable predictions = ReportBuilder.csv(run.model().resolve(RunFolder.PREDICTIONS));
    if (predictions == null) {
      return;
    }
    Map<String, List<Map<String, String>>> wrong = new TreeMap<>(); // "held-out" sorts before "unseen"
    long scored = 0;
    for (Map<String, String> r : predictions.rows()) {
      if (!"test".equals(r.get("scored_as"))) {
        scored++;
        if (!r.get("species").equals(r.get("answer_species"))) {
          wrong.computeIfAbsent(r.get("scored_as"), k -> new ArrayList<>()).add(r);
        }
      }
    }
    html.append("<h2>Worst mistakes</h2>\n<div class=\"thumbs\">");
    int shown = 0;
    for (List<Map<String, String>> set : wrong.values()) {
      set.sort(Comparator.comparingDouble((Map<String, String> r) -> Double.parseDouble(r.get("probability")))
          .reversed());
      int shownOfSet = 0;
      for (Map<String, String> r : set) {
        String image = thumbnail(r.get("path"));
        if (image == null) {
          continue;
        }
        html.append("<figure><img alt=\"\" src=\"").append(image).append("\"><figcaption>")
            .append(ReportBuilder.escape(String.format(Locale.ROOT, "%s, answered %s (%.0f %%%s) · %s %s",
                r.get("species"), r.get("answer_species"), 100 * Double.parseDouble(r.get("probability")),
                Boolean.parseBoolean(r.get("recognized")) ? ", named" : ", not named", r.get("scored_as"),
                r.get("source"))))
            .append("</figcaption></figure>");
        shown++;
        if (++shownOfSet == MISTAKES / wrong.size()) {
          break;
        }
      }
    }
    long mistakes = wrong.values().stream().mapToLong(List::size).sum();
    html.append("</div><p class=\"sub\">").append(ReportBuilder.escape(String.format(Locale.ROOT,
        "%d of the %d held-out and unseen photos got a wrong most probable species; the %d most confident are shown, "
            + "held-out ones first ('not named': the app refused them, below the threshold). An unseen source's "
            + "photos include species its model never saw.", mistakes, scored, shown))).append("</p>\n");
  }

  /** A few synthetic scenes, one per label in turn, with what made them. */
  void syntheticSample() {
    Path images = run.synthetic().resolve(RunFolder.SCENE_IMAGES);
    if (!Files.isDirectory(images)) {
      return;
    }
    List<Path> scenes;
    try (Stream<Path> files = Files.walk(images)) {
      scenes = files.filter(f -> f.toString().endsWith(".jpg")).sorted().toList();
    } catch (IOException e) {
      return;
    }
    if (scenes.isEmpty()) {
      return;
    }
    html.append("<h2>Synthetic scenes</h2>\n<div class=\"thumbs\">");
    Map<Path, Path> firstPerFolder = new LinkedHashMap<>();
    for (Path scene : scenes) {
      firstPerFolder.putIfAbsent(scene.getParent(), scene);
    }
    List<Path> sample = new ArrayList<>(firstPerFolder.values());
    int step = Math.max(1, sample.size() / SCENES);
    for (int i = 0; i < sample.size() && i / step < SCENES; i += step) {
      String image = thumbnail(sample.get(i).toString());
      if (image != null) {
        html.append("<figure><img alt=\"\" src=\"").append(image).append("\"><figcaption>")
            .append(ReportBuilder.escape(images.relativize(sample.get(i).getParent()).toString()))
            .append("</figcaption></figure>");
      }
    }
    SynthesizeSummary summary = RunSummaries.readIfPresent(run.synthetic().resolve(RunFolder.SUMMARY),
        SynthesizeSummary.class);
    html.append("</div><p class=\"sub\">").append(ReportBuilder.escape(summary == null ? ""
        : String.format(Locale.ROOT, "%d scenes (%d per label, transforms %s, seed %d) made from %d studio photos on "
            + "%d real backgrounds, %.1f ms of a core per scene; each scene's parameters are in synthetic/scenes/.",
        summary.scenes(), summary.scenesPerLabel(), summary.recipe(), summary.seed(), summary.studioPhotos(),
        summary.backgroundPhotos(), summary.millisPerScene()))).append("</p>\n");
  }

  /** A small JPEG of a local photo as a data URI; null for a photo that is not on this machine. */
  static String thumbnail(String path) {
    try {
      Path file = path.startsWith("file:") ? Path.of(URI.create(path)) : path.contains("://") ? null : Path.of(path);
      if (file == null || !Files.isRegularFile(file)) {
        return null;
      }
      BufferedImage image = ImageIO.read(file.toFile());
      if (image == null) {
        return null;
      }
      double scale = (double) THUMBNAIL / Math.min(image.getWidth(), image.getHeight());
      int w = Math.max(1, (int) Math.round(image.getWidth() * scale));
      int h = Math.max(1, (int) Math.round(image.getHeight() * scale));
      BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = small.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, w, h, null);
      g.dispose();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(small, "jpeg", out);
      return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
