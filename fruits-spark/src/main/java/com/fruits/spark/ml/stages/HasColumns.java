package com.fruits.spark.ml.stages;

import java.io.Serializable;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The input and output column of a stage, with their getters and fluent setters: what Spark's {@code HasInputCol}
 * and {@code HasOutputCol} traits give a Scala stage. A stage makes its {@link Columns} once, in its constructor, and
 * gets the rest here (Spark finds the two Params through the public methods that return them, default methods
 * included).
 *
 * @param <S> the stage itself, which the setters return
 */
public interface HasColumns<S extends HasColumns<S>> extends Params {
  /** The two column Params of a stage. */
  record Columns(Param<String> input, Param<String> output) implements Serializable {
    static Columns of(Params stage, String inputDoc, String outputDoc) {
      return new Columns(new Param<>(stage, "inputCol", inputDoc), new Param<>(stage, "outputCol", outputDoc));
    }
  }

  Columns columns();

  default Param<String> inputCol() {
    return columns().input();
  }

  default Param<String> outputCol() {
    return columns().output();
  }

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
