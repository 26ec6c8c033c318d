package com.fruits.core.serving;

/** One candidate answer: a label and the model's probability for it. */
public record Prediction(String label, double probability) {}
