package com.fruits.core.run;

import com.fruits.core.serving.HeadVeto;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable record of a train run ({@code summary.json}): what the model was fitted on, how the
 * regularization was chosen, and how it does on photos it never saw, split by where they come from.
 *
 * @param provenance the feature table it read, where it wrote, when (null in a summary older than this record)
 * @param labels the answers' labels: the classifier's classes (species, or species/variety, see
 *     {@link com.fruits.core.taxonomy.Taxon}), then the ImageNet prior's zero-shot species
 * @param trainingSamples training vectors: one per photo, or one per view of photos featurized with views
 * @param maxIter the L-BFGS iteration cap of each fit
 * @param threshold the species probability from which the app names a fruit, fitted on the held-out real photos
 * @param heldOut the held-out photos of each source (Validation split), scored as the app answers
 * @param test the Test split of each source (the studio's own test set)
 * @param unseen per source: a model fitted without that source, scored on all of its photos
 * @param imagenetPrior how the ImageNet head weighs in (null: the features have no head logits)
 * @param blas the BLAS implementation Spark ML's matrix products ran on in the driver's JVM (netlib's class name:
 *     {@value #NATIVE_BLAS} is the system's native library, {@code VectorBLAS} or {@code F2jBLAS} are Java)
 */
public record TrainSummary(
    StageProvenance provenance,
    String taxonomyVersion,
    List<String> labels,
    List<String> species,
    long trainingPhotos,
    long trainingSamples,
    Map<String, Long> trainingPhotosBySource,
    List<RegPoint> search,
    double regParam,
    int maxIter,
    double threshold,
    String thresholdFittedOn,
    double targetPrecision,
    double varietyConfidence,
    Map<String, Scores> heldOut,
    Map<String, Scores> test,
    Map<String, Scores> unseen,
    PriorChoice imagenetPrior,
    String blas,
    Map<String, Double> stageSeconds,
    double wallSeconds) {
  /** netlib's class for the system's native BLAS, as {@link #blas} names it. */
  public static final String NATIVE_BLAS = "JNIBLAS";

  /** Whether {@code blas}, a {@link #blas} value, is the system's native library. */
  public static boolean isNativeBlas(String blas) {
    return NATIVE_BLAS.equals(blas);
  }

  /**
   * The {@linkplain com.fruits.core.serving.ImageNetPrior ImageNet prior}'s weight and how it was chosen.
   *
   * @param beta the weight the bundle uses (0: the classifier alone)
   * @param chosenOn what chose it: "unseen" (the unseen sources' photos), a split, or "only candidate"
   * @param search each candidate and how it did
   * @param zeroShot fruit species the app names from the head alone (no training photo)
   * @param headVeto the answers' {@link HeadVeto} (null: none), fitted on the training photos
   */
  public record PriorChoice(double beta, String chosenOn, List<PriorPoint> search, List<String> zeroShot,
      HeadVeto headVeto) {
    public PriorChoice(double beta, String chosenOn, List<PriorPoint> search, List<String> zeroShot) {
      this(beta, chosenOn, search, zeroShot, null);
    }

    /** This choice with the {@link HeadVeto} the answers use (null: none). */
    public PriorChoice withVeto(HeadVeto veto) {
      return new PriorChoice(beta, chosenOn, search, zeroShot, veto);
    }
  }

  /**
   * One prior weight: the share of photos whose species (or not-a-fruit) is right on the unseen sources (mean over
   * them), the held-out photos and Test (NaN: no such photos); admissible when it costs the held-out photos and Test
   * at most half a point against no prior.
   */
  public record PriorPoint(double beta, double unseen, double heldOut, double test, boolean admissible) {
    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "weight %g: right %.4f unseen, %.4f held out, %.4f Test%s", beta,
          unseen, heldOut, test, admissible ? "" : " (costs the held-out photos or Test too much)");
    }
  }

  /** One regularization candidate and its species top-1 on the photos that chose it. */
  public record RegPoint(double regParam, double speciesAccuracy, String scoredOn) {}

  /**
   * How a model does on one set of photos, as the app answers them (the mean of the views' features).
   *
   * @param fruitPhotos photos of fruit the model knows the species of
   * @param unknownSpeciesPhotos photos of fruit whose species the model was not trained on (never right)
   * @param speciesTop1 share of {@code fruitPhotos} whose most probable species is right
   * @param varietyTop1 among photos with a known variety and the right species, the share whose most probable
   *     variety is right (NaN: none)
   * @param varietyAnswered among those, the share where the variety is named (confident enough)
   * @param answered share of the fruit photos the app answers (a fruit at or above the threshold)
   * @param precision share of answered photos (fruit or not) whose species is right
   * @param notFruitPhotos photos of no fruit
   * @param notFruitRefused share of them the app refuses ("not a fruit I know")
   */
  public record Scores(long fruitPhotos, long unknownSpeciesPhotos, double speciesTop1, double varietyTop1,
      double varietyAnswered, double answered, double precision, long notFruitPhotos, double notFruitRefused) {}

  public String describe() {
    StringBuilder out = new StringBuilder(String.format(java.util.Locale.ROOT,
        "trained on %d photos (%d samples, %d labels, %d species), reg=%g, threshold %.3f; ", trainingPhotos,
        trainingSamples, labels.size(), species.size(), regParam, threshold));
    if (imagenetPrior != null) {
      out.append(String.format(java.util.Locale.ROOT, "ImageNet prior weight %g (chosen on %s), zero-shot %s; ",
          imagenetPrior.beta(), imagenetPrior.chosenOn(), imagenetPrior.zeroShot()));
      if (imagenetPrior.headVeto() != null) {
        out.append(String.format(java.util.Locale.ROOT, "head veto at quantile %g over %d species; ",
            imagenetPrior.headVeto().quantile(), imagenetPrior.headVeto().limits().size()));
      }
    }
    heldOut.forEach((source, s) -> out.append(describe("held-out " + source, s)));
    test.forEach((source, s) -> out.append(describe("Test " + source, s)));
    unseen.forEach((source, s) -> out.append(describe("unseen " + source, s)));
    return out.append(String.format(java.util.Locale.ROOT, "in %.1fs", wallSeconds)).toString();
  }

  private static String describe(String what, Scores s) {
    StringBuilder out = new StringBuilder(what).append(':');
    if (s.fruitPhotos() > 0) {
      out.append(String.format(java.util.Locale.ROOT, " species %.1f%% of %d (answered %.0f%%, precision %.1f%%)",
          100 * s.speciesTop1(), s.fruitPhotos(), 100 * s.answered(), 100 * s.precision()));
    }
    if (s.notFruitPhotos() > 0) {
      out.append(String.format(java.util.Locale.ROOT, " not-a-fruit refused %.1f%% of %d", 100 * s.notFruitRefused(),
          s.notFruitPhotos()));
    }
    return out.append("; ").toString();
  }
}
