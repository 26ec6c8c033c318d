package com.fruits.spark.ml.stages;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The input and output column of a stage, with their getters and fluent setters: what Spark's {@code HasInputCol}
 * and {@code HasOutputCol} traits give a Scala stage. A stage declares the two Params (Spark finds them through the
 * public methods that return them) and gets the rest here.
 *
 * @param <S> the stage itself, which the setters return
 */
public interface HasColumns<S extends HasColumns<S>> extends Params {
  Param<String> inputCol();

  Param<String> outputCol();

  default String getInputCol() {
    return $(inputCol());
  }

  default String getOutputCol() {
    return $(outputCol());
  }

  @SuppressWarnings("unchecked")
  default S setInputCol(String value) {
    set(inputCol(), value);
    return (S) this;
  }

  @SuppressWarnings("unchecked")
  default S setOutputCol(String value) {
    set(outputCol(), value);
    return (S) this;
  }
}
