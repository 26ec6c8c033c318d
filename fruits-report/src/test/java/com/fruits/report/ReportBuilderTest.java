package com.fruits.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fruits.core.FruitsException;
import com.fruits.core.run.FeaturizeSummary;
import com.fruits.core.run.RunFolder;
import com.fruits.core.run.RunSummaries;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportBuilderTest {
  /** A train summary as {@code fruits train} writes it, cut to what the report reads. */
  private static final String TRAIN_SUMMARY = """
      {"provenance": {"command": "train", "startedAt": "2026-12-01T00:00:00Z"},
       "threshold": 0.893, "thresholdFittedOn": "Validation",
       "targetPrecision": 0.97, "varietyConfidence": 0.6, "regParam": 0.0003, "maxIter": 100, "blas": "VectorBLAS",
       "heldOut": {"grocery-store": {"fruitPhotos": 111, "speciesTop1": 0.82, "varietyTop1": 0.795, "answered": 0.63,
                                     "precision": 0.971, "notFruitPhotos": 185, "notFruitRefused": 1.0}},
       "test": {"fruits-360": {"fruitPhotos": 4174, "speciesTop1": 0.997, "answered": 0.97, "precision": 1.0,
                               "notFruitPhotos": 0, "notFruitRefused": "NaN"}},
       "unseen": {"grocery-store": {"fruitPhotos": 933, "speciesTop1": 0.469, "answered": 0.32, "precision": 0.452,
                                    "notFruitPhotos": 1683, "notFruitRefused": 0.964}},
       "imagenetPrior": {"beta": 0.3, "chosenOn": "unseen", "zeroShot": ["fig", "jackfruit"],
         "search": [{"beta": 0.0, "unseen": 0.58, "heldOut": 0.95, "test": 0.9966, "admissible": true},
                    {"beta": 0.3, "unseen": 0.63, "heldOut": 0.97, "test": 0.9969, "admissible": true},
                    {"beta": 1.0, "unseen": 0.66, "heldOut": 0.93, "test": 0.9518, "admissible": false}],
         "headVeto": {"quantile": 0.999, "limits": {"kiwi": 0.994, "lemon": 0.95, "pineapple": 0.2704}}},
       "stageSeconds": {"fit": 166.5}, "wallSeconds": 318.1}
      """;

  @Test
  void aModelFolderAloneRendersItsResultsAndSaysWhatIsMissing(@TempDir Path run) throws Exception {
    Path model = Files.createDirectories(run.resolve(RunFolder.MODEL));
    Files.writeString(model.resolve(RunFolder.SUMMARY), TRAIN_SUMMARY);
    Path photo = run.resolve("kiwi.jpg");
    ImageIO.write(new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB), "jpg", photo.toFile());
    Files.writeString(model.resolve(RunFolder.PREDICTIONS), String.join("\n",
        "scored_as,source,split,path,species,variety,answer_species,answer_variety,probability,recognized",
        "held-out,grocery-store,Validation," + photo.toUri() + ",kiwi,,<b>lime</b>,,0.9100,true",
        "held-out,grocery-store,Validation," + photo.toUri() + ",kiwi,,kiwi,,0.9900,true",
        "test,fruits-360,Test,/nowhere/x.jpg,kiwi,,kiwi,,0.9990,true", ""));
    Path page = run.resolve(RunFolder.REPORT);

    ReportBuilder.write(ReportBuilder.RunLayout.of(run), page);

    String html = Files.readString(page);
    assertThat(html).as("when it was trained").contains("trained 2026-12-01T00:00:00Z");
    assertThat(html).contains("<h2>Real photos</h2>", "held out: grocery-store", "unseen source: grocery-store",
        "82.0 %", "threshold 0.893");
    assertThat(html).contains("ImageNet prior", "weight 0.3", "jackfruit", "(too costly)");
    assertThat(html).contains("Head veto", "for 99.9 % of that species", "pineapple 0.27, lemon 0.95, kiwi 0.99");
    assertThat(html).as("the worst mistake, its thumbnail and its escaped answer")
        .contains("data:image/png;base64,", "answered &lt;b&gt;lime&lt;/b&gt;").doesNotContain("<b>lime</b>");
    assertThat(html).contains("1 of the 2 held-out and unseen photos got a wrong most probable species");
    assertThat(html).as("sections whose stage did not run").contains("Not available: run <code>fruits reduce</code>");
    assertThat(html).as("what the fits ran on").contains("Train: 100 L-BFGS iterations a fit on VectorBLAS (Java BLAS: "
        + "a native one, e.g. OpenBLAS, fits faster).");
  }

  @Test
  void theFeaturizeSummaryIsReadAsTheTypedRecordTheJobWrote(@TempDir Path run) throws Exception {
    Path features = Files.createDirectories(run.resolve(RunFolder.FEATURES));
    FeaturizeSummary summary = FeaturizeSummary.builder().command("featurize").runId("run")
        .startedAt("2026-12-01T10:00:00Z").input("../shared/data/grocery-store").output(features.toString())
        .model("mobilenetv2").specHash("0123456789abcdef").featureDimension(1280).sparkMaster("local[2]")
        .sparkVersion("4.1.0").executors(1).totalCores(2).threadsPerTask(1).batchSize(32).device("cpu").partitions(2)
        .imagesListed(298).imagesSelected(298).imagesAlreadyInOutput(0).imagesProcessed(296).imagesFeaturized(294)
        .imagesFailed(2).failuresByReason(Map.of("corrupt", 2L)).tableRows(4174).supersededRowsDropped(0)
        .stageSeconds(Map.of("featurize", 9.6)).wallSeconds(12.0).imagesPerSecond(31.5).build();
    Files.writeString(features.resolve(RunFolder.SUMMARY), RunSummaries.toJson(summary));
    assertThat(RunSummaries.readIfPresent(features.resolve(RunFolder.SUMMARY), FeaturizeSummary.class))
        .isEqualTo(summary);

    ReportBuilder.write(ReportBuilder.RunLayout.of(run), run.resolve(RunFolder.REPORT));

    String html = Files.readString(run.resolve(RunFolder.REPORT));
    assertThat(html).contains("model mobilenetv2 (spec 0123456789ab)", "<b>4174</b>images in the table",
        "<b>2</b>failed images (last run)", "Featurize: 31.5 images/s over 296 images on local[2] (2 cores, 1 "
            + "thread(s) per task, batch 32).");
  }

  @Test
  void aFolderWithNoStageOutputIsRefused(@TempDir Path run) {
    assertThatThrownBy(() -> ReportBuilder.write(ReportBuilder.RunLayout.of(run), run.resolve(RunFolder.REPORT)))
        .isInstanceOf(FruitsException.class).hasMessageStartingWith("nothing to report");
  }
}
