package com.fruits.spark.ml;

import com.fruits.spark.FeatureTable;
import java.io.Serializable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * A labelled photo of the feature table as train reads it on the executors: its float arrays decoded as primitive
 * arrays (a {@code Row} boxes every float). Public with accessors: Spark's bean encoder needs them.
 */
public final class LabelledPhoto implements Serializable {
  private static final long serialVersionUID = 1L;
  private String path;
  private String source;
  private String split;
  private String label;
  private String species;
  private String variety;
  private float[] features;
  private float[] views;
  private float[] logits;

  /** {@code photos}' rows (the table's path, source, split, label, species, variety and float array columns). */
  static Dataset<LabelledPhoto> of(Dataset<Row> photos) {
    return photos.select(photos.col(FeatureTable.PATH).as("path"), photos.col(FeatureTable.SOURCE).as("source"),
            photos.col(FeatureTable.SPLIT).as("split"), photos.col(FeatureTable.LABEL).as("label"),
            photos.col(FeatureTable.SPECIES).as("species"), photos.col(FeatureTable.VARIETY).as("variety"),
            photos.col(FeatureTable.FEATURES).as("features"), photos.col(FeatureTable.VIEW_FEATURES).as("views"),
            photos.col(FeatureTable.HEAD_LOGITS).as("logits"))
        .as(Encoders.bean(LabelledPhoto.class));
  }

  /**
   * The photo's training samples, one after the other: each view's features, or its features where it has no views.
   * Not a bean property (no {@code get}): the encoder leaves it alone.
   */
  float[] samples() {
    return views == null ? features : views;
  }

  /** How many samples {@link #samples()} holds. */
  int sampleCount() {
    return samples().length / features.length;
  }

  public String getPath() {
    return path;
  }

  public void setPath(String value) {
    path = value;
  }

  public String getSource() {
    return source;
  }

  public void setSource(String value) {
    source = value;
  }

  public String getSplit() {
    return split;
  }

  public void setSplit(String value) {
    split = value;
  }

  public String getLabel() {
    return label;
  }

  public void setLabel(String value) {
    label = value;
  }

  public String getSpecies() {
    return species;
  }

  public void setSpecies(String value) {
    species = value;
  }

  public String getVariety() {
    return variety;
  }

  public void setVariety(String value) {
    variety = value;
  }

  public float[] getFeatures() {
    return features;
  }

  public void setFeatures(float[] value) {
    features = value;
  }

  /** Every view's features, one view after the other; null for a photo featurized without views. */
  public float[] getViews() {
    return views;
  }

  public void setViews(float[] value) {
    views = value;
  }

  /** The ImageNet head's logits; null where the table has none. */
  public float[] getLogits() {
    return logits;
  }

  public void setLogits(float[] value) {
    logits = value;
  }
}
