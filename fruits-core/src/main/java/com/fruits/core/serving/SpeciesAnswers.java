package com.fruits.core.serving;

import com.fruits.core.taxonomy.Taxon;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a classifier's label probabilities into the app's answer: species first, the variety only when sure, or
 * "not a fruit I know". A label is a {@link Taxon#label}; a species' probability is the sum over its labels (the
 * species alone and each of its varieties). The answer names a fruit when the most probable species is a fruit and
 * its probability reaches the threshold, unless the ImageNet head doubts it ({@link HeadVeto}); the variety is named
 * when it holds at least {@code varietyConfidence} of its species' probability. The same rule serves the app and
 * scores the model in training.
 */
public final class SpeciesAnswers {
  private final List<String> species;
  private final int[] speciesOf;
  private final String[] varietyOf;

  public SpeciesAnswers(List<String> labels) {
    Map<String, Integer> index = new LinkedHashMap<>();
    this.speciesOf = new int[labels.size()];
    this.varietyOf = new String[labels.size()];
    for (int i = 0; i < labels.size(); i++) {
      Taxon taxon = Taxon.ofLabel(labels.get(i));
      speciesOf[i] = index.computeIfAbsent(taxon.species(), s -> index.size());
      varietyOf[i] = taxon.variety();
    }
    this.species = List.copyOf(index.keySet());
  }

  /** One species among the closest guesses, with its probability and its most probable variety (if any). */
  public record Guess(String species, double probability, String variety, double varietyProbability) {
    public boolean isFruit() {
      return !Taxon.NOT_A_FRUIT_SPECIES.equals(species);
    }
  }

  /**
   * The answer for one photo.
   *
   * @param recognized whether the app names the fruit
   * @param best the most probable species (possibly not-a-fruit), named or not
   * @param varietyNamed whether {@code best}'s variety is sure enough to name
   * @param guesses the most probable fruit species, best first (not-a-fruit left out)
   */
  public record Answer(boolean recognized, Guess best, boolean varietyNamed, List<Guess> guesses) {}

  /** The distinct species, in order of first appearance among the labels. */
  public List<String> species() {
    return species;
  }

  /** Each species' probability (sum over its labels), in {@link #species()} order. */
  public double[] speciesProbabilities(double[] labelProbabilities) {
    double[] p = new double[species.size()];
    for (int i = 0; i < labelProbabilities.length; i++) {
      p[speciesOf[i]] += labelProbabilities[i];
    }
    return p;
  }

  public Answer answer(double[] labelProbabilities, double threshold, double varietyConfidence, int top) {
    return answer(labelProbabilities, Set.of(), threshold, varietyConfidence, top);
  }

  /** As {@link #answer(double[], double, double, int)}, naming none of the {@code doubted} species. */
  public Answer answer(double[] labelProbabilities, Set<String> doubted, double threshold, double varietyConfidence,
      int top) {
    double[] p = speciesProbabilities(labelProbabilities);
    int best = 0;
    for (int s = 1; s < p.length; s++) {
      if (p[s] > p[best]) {
        best = s;
      }
    }
    Guess bestGuess = guess(best, p[best], labelProbabilities);
    boolean recognized = bestGuess.isFruit() && p[best] >= threshold && !doubted.contains(bestGuess.species());
    boolean varietyNamed = bestGuess.variety() != null && bestGuess.varietyProbability() >= varietyConfidence;
    List<Guess> guesses = new ArrayList<>();
    boolean[] taken = new boolean[p.length];
    while (guesses.size() < top) {
      int arg = -1;
      for (int s = 0; s < p.length; s++) {
        if (!taken[s] && !Taxon.NOT_A_FRUIT_SPECIES.equals(species.get(s)) && (arg < 0 || p[s] > p[arg])) {
          arg = s;
        }
      }
      if (arg < 0) {
        break;
      }
      taken[arg] = true;
      guesses.add(guess(arg, p[arg], labelProbabilities));
    }
    return new Answer(recognized, bestGuess, varietyNamed, guesses);
  }

  /** Species {@code s} with its most probable variety, as a share of the species' probability. */
  private Guess guess(int s, double probability, double[] labelProbabilities) {
    String variety = null;
    double varietyP = 0;
    for (int i = 0; i < labelProbabilities.length; i++) {
      if (speciesOf[i] == s && varietyOf[i] != null && labelProbabilities[i] > varietyP) {
        variety = varietyOf[i];
        varietyP = labelProbabilities[i];
      }
    }
    return new Guess(species.get(s), probability, variety, probability > 0 ? varietyP / probability : 0);
  }
}
