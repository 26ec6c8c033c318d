package com.fruits.core.serving;

import com.fruits.core.FruitsException;
import com.fruits.core.featurize.OnnxFeaturizer;
import com.fruits.core.taxonomy.CatalogCsv;
import com.fruits.core.taxonomy.Taxon;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The backbone's own ImageNet head as a prior on the classifier's answer. The head was trained on 1.2 million real
 * photos, so it knows a banana in a shop or a lemon on a tree in a way studio photos cannot teach; the classifier
 * knows our species and varieties. Each label's probability is multiplied by the head's probability of the label's
 * species raised to {@link #beta()}, and the result normalized:
 *
 * <pre>
 * p(label) ∝ classifier(label) · prior(species(label))^β
 * prior(s)           = the head's softmax mass on the ImageNet classes mapped to s   + Z / S
 * prior(not-a-fruit) = the mass on the classes mapped to not-a-fruit                  + Z / S
 * </pre>
 *
 * where Z is the mass on the classes with no opinion (a market, a basket) and S the number of species: where the head
 * has no opinion it favours no species. A fruit species the map names but the classifier was never trained on (a
 * zero-shot species: bananas for a model trained on studio photos without bananas) gets a label of its own, whose
 * classifier term is the classifier's not-a-fruit probability ("none of the fruits I was trained on") times the
 * head's mass on the species: the head alone can name it, and a zero-shot species the head does not see is never
 * among the closest guesses. With β = 0 the classifier's probabilities pass unchanged and zero-shot labels get 0.
 *
 * <p>The same head can also refuse an answer it does not believe ({@link #veto()}, {@link HeadVeto}).
 *
 * <p>The map from ImageNet classes to species is {@code catalog/imagenet-species.csv}; immutable and Spark-free.
 */
public final class ImageNetPrior {
  /** The shipped map, a copy of {@code catalog/imagenet-species.csv}. */
  private static final String RESOURCE = "/fruits/imagenet-species.csv";
  public static final String HEADER = "index,imagenet_class,species";
  /** Keeps a species the head gives (almost) no mass from vetoing the classifier outright. */
  private static final double PRIOR_FLOOR = 1e-4;

  private final String[] speciesOfClass;
  private final double beta;
  private final HeadVeto veto;
  private final List<String> labels;
  private final int classifierLabels;
  private final List<String> zeroShot;
  /** Per label: its species' index in {@link #species}. */
  private final int[] speciesOfLabel;
  private final List<String> species;
  private final int notAFruit;
  /** Per ImageNet class: the species index it adds to, {@link #NO_OPINION} or {@link #NOT_A_FRUIT_CLASS}. */
  private final int[] targetOfClass;
  private static final int NO_OPINION = -1;
  private static final int NOT_A_FRUIT_CLASS = -2;
  /** Per ImageNet class, whether it maps to not-a-fruit: what the {@link #veto} weighs. */
  private final boolean[] notAFruitClasses;

  /**
   * @param classifierLabels the classifier's labels ({@link Taxon#label}s), in its output order
   * @param speciesOfClass per ImageNet class, the species it shows, {@link Taxon#NOT_A_FRUIT_SPECIES}, or null
   * @param beta the prior's weight, at least 0
   */
  public ImageNetPrior(List<String> classifierLabels, String[] speciesOfClass, double beta) {
    this(classifierLabels, speciesOfClass, beta, null);
  }

  /** As {@link #ImageNetPrior(List, String[], double)}, with a {@link HeadVeto} on the answers (null: none). */
  public ImageNetPrior(List<String> classifierLabels, String[] speciesOfClass, double beta, HeadVeto veto) {
    if (speciesOfClass.length != OnnxFeaturizer.HEAD_CLASSES) {
      throw new IllegalArgumentException("the map must give all " + OnnxFeaturizer.HEAD_CLASSES + " ImageNet classes");
    }
    if (!(beta >= 0) || Double.isInfinite(beta)) {
      throw new IllegalArgumentException("beta must be a finite number >= 0, got " + beta);
    }
    this.speciesOfClass = speciesOfClass.clone();
    this.beta = beta;
    this.veto = veto;
    this.classifierLabels = classifierLabels.size();
    Map<String, Integer> index = new LinkedHashMap<>();
    List<Integer> speciesIndex = new ArrayList<>();
    for (String label : classifierLabels) {
      speciesIndex.add(index.computeIfAbsent(Taxon.ofLabel(label).species(), s -> index.size()));
    }
    Set<String> mappedFruit = new LinkedHashSet<>();
    for (String s : speciesOfClass) {
      if (s != null && !s.equals(Taxon.NOT_A_FRUIT_SPECIES)) {
        mappedFruit.add(s);
      }
    }
    List<String> extra = new ArrayList<>();
    for (String s : mappedFruit) {
      if (!index.containsKey(s)) {
        extra.add(s);
        speciesIndex.add(index.computeIfAbsent(s, x -> index.size()));
      }
    }
    this.zeroShot = List.copyOf(extra);
    List<String> all = new ArrayList<>(classifierLabels);
    all.addAll(extra);
    this.labels = List.copyOf(all);
    this.speciesOfLabel = speciesIndex.stream().mapToInt(Integer::intValue).toArray();
    this.species = List.copyOf(index.keySet());
    this.notAFruit = index.getOrDefault(Taxon.NOT_A_FRUIT_SPECIES, -1);
    this.targetOfClass = new int[speciesOfClass.length];
    this.notAFruitClasses = new boolean[speciesOfClass.length];
    for (int c = 0; c < speciesOfClass.length; c++) {
      String s = speciesOfClass[c];
      targetOfClass[c] = s == null ? NO_OPINION
          : s.equals(Taxon.NOT_A_FRUIT_SPECIES) ? NOT_A_FRUIT_CLASS : index.get(s);
      notAFruitClasses[c] = targetOfClass[c] == NOT_A_FRUIT_CLASS;
    }
  }

  /** The shipped map: per ImageNet class, its species, not-a-fruit, or null. */
  public static String[] bundledMap() {
    try (InputStream in = ImageNetPrior.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new FruitsException("the shipped map " + RESOURCE + " is missing from the jar");
      }
      return parseMap(new String(in.readAllBytes(), StandardCharsets.UTF_8), "catalog/imagenet-species.csv");
    } catch (IOException e) {
      throw new FruitsException("cannot read the shipped map " + RESOURCE + ": " + e.getMessage());
    }
  }

  /** Parses a map in the format of {@code catalog/imagenet-species.csv}; {@code origin} names it in errors. */
  public static String[] parseMap(String csv, String origin) {
    String[] map = new String[OnnxFeaturizer.HEAD_CLASSES];
    boolean[] listed = new boolean[map.length];
    String others = null;
    for (CatalogCsv.Row row : CatalogCsv.rows(csv, origin, HEADER)) {
      String[] fields = row.fields();
      String species;
      try {
        species = fields[2].isBlank() ? null : Taxon.species(fields[2]).species();
      } catch (IllegalArgumentException e) {
        throw row.error(origin, e.getMessage());
      }
      if (fields[0].strip().equals("*")) {
        others = species;
        continue;
      }
      int index;
      try {
        index = Integer.parseInt(fields[0].strip());
      } catch (NumberFormatException e) {
        throw row.error(origin, "index '" + fields[0] + "' is not a number or *");
      }
      if (index < 0 || index >= map.length) {
        throw row.error(origin, "index " + index + " is outside 0.." + (map.length - 1));
      }
      if (listed[index]) {
        throw row.error(origin, "index " + index + " is listed twice");
      }
      listed[index] = true;
      map[index] = species;
    }
    for (int i = 0; i < map.length; i++) {
      if (!listed[i]) {
        map[i] = others;
      }
    }
    return map;
  }

  public double beta() {
    return beta;
  }

  /** The veto on answers the head does not believe, or null. */
  public HeadVeto veto() {
    return veto;
  }

  /** This prior with {@code veto} (null: none) instead of its own. */
  public ImageNetPrior withVeto(HeadVeto veto) {
    return new ImageNetPrior(classifierLabels(), speciesOfClass, beta, veto);
  }

  /** Whether the answers need the head's logits: a weight above 0 or a veto. */
  public boolean usesHead() {
    return beta > 0 || veto != null;
  }

  /** The species the {@link #veto()} doubts for a photo whose head gave {@code logits}; none without either. */
  public Set<String> doubted(float[] logits) {
    return veto == null || logits == null ? Set.of() : veto.doubted(notAFruitMass(logits));
  }

  /** Per ImageNet class, whether the map says it shows no fruit (a copy). */
  public boolean[] notAFruitClasses() {
    return notAFruitClasses.clone();
  }

  /** The head's probability (softmax of {@code logits}) on the classes the map says show no fruit. */
  public double notAFruitMass(float[] logits) {
    return massOn(notAFruitClasses, logits);
  }

  /** The softmax of {@code logits} summed over {@code classes}; static so that engines can ship it to workers. */
  public static double massOn(boolean[] classes, float[] logits) {
    double[] p = softmax(logits);
    double mass = 0;
    for (int c = 0; c < p.length; c++) {
      if (classes[c]) {
        mass += p[c];
      }
    }
    return mass;
  }

  /** Per ImageNet class, the species it shows, not-a-fruit, or null (a copy). */
  public String[] map() {
    return speciesOfClass.clone();
  }

  private List<String> classifierLabels() {
    return labels.subList(0, classifierLabels);
  }

  /** The labels of {@link #apply}'s output: the classifier's, then the {@link #zeroShot} species. */
  public List<String> labels() {
    return labels;
  }

  /** Fruit species the map names that the classifier has no label for, answered from the head alone. */
  public List<String> zeroShot() {
    return zeroShot;
  }

  /**
   * The label probabilities, in {@link #labels()} order, of a photo the classifier gave {@code classifier} (in its
   * label order) and the head gave {@code logits}; without logits (null), the classifier's alone.
   */
  public double[] apply(double[] classifier, float[] logits) {
    if (classifier.length != classifierLabels) {
      throw new IllegalArgumentException("expected " + classifierLabels + " probabilities, got " + classifier.length);
    }
    double[] out = Arrays.copyOf(classifier, labels.size());
    if (beta == 0 || logits == null) {
      return out;
    }
    double[] mass = new double[species.size()];
    double even = headMass(softmax(logits), mass);
    double notAFruitP = 0;
    for (int l = 0; l < classifierLabels; l++) {
      if (speciesOfLabel[l] == notAFruit) {
        notAFruitP += classifier[l];
      }
    }
    double unknownToClassifier = notAFruit >= 0 ? notAFruitP : 1.0 / classifierLabels;
    double[] prior = new double[mass.length];
    for (int s = 0; s < prior.length; s++) {
      prior[s] = mass[s] + even;
    }
    for (int l = 0; l < out.length; l++) {
      double p = l < classifierLabels ? classifier[l] : unknownToClassifier * mass[speciesOfLabel[l]];
      out[l] = Math.log(p + 1e-12) + beta * Math.log(prior[speciesOfLabel[l]] + PRIOR_FLOOR);
    }
    return softmaxInPlace(out);
  }

  /**
   * Fills {@code mass} with the head's probability of each species (not-a-fruit included) where it has an opinion, and
   * returns the share each species gets of the rest (see the class comment).
   */
  private double headMass(double[] head, double[] mass) {
    double onMapped = 0;
    double onNotAFruit = 0;
    for (int c = 0; c < head.length; c++) {
      int target = targetOfClass[c];
      if (target == NOT_A_FRUIT_CLASS) {
        onNotAFruit += head[c];
      } else if (target != NO_OPINION) {
        mass[target] += head[c];
        onMapped += head[c];
      }
    }
    if (notAFruit >= 0) {
      mass[notAFruit] += onNotAFruit;
    }
    return Math.max(0, 1 - onMapped - onNotAFruit) / mass.length;
  }

  private static double[] softmax(float[] logits) {
    if (logits.length != OnnxFeaturizer.HEAD_CLASSES) {
      throw new IllegalArgumentException("expected " + OnnxFeaturizer.HEAD_CLASSES + " logits, got " + logits.length);
    }
    double[] p = new double[logits.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = logits[i];
    }
    return softmaxInPlace(p);
  }

  /** {@code scores} turned into their softmax, in place. */
  private static double[] softmaxInPlace(double[] scores) {
    double max = Double.NEGATIVE_INFINITY;
    for (double s : scores) {
      max = Math.max(max, s);
    }
    double sum = 0;
    for (int i = 0; i < scores.length; i++) {
      scores[i] = Math.exp(scores[i] - max);
      sum += scores[i];
    }
    for (int i = 0; i < scores.length; i++) {
      scores[i] /= sum;
    }
    return scores;
  }
}
