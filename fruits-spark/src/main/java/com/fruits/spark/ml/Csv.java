package com.fruits.spark.ml;

/** Quoting for the small CSV files the jobs write for the report. */
final class Csv {
  private Csv() {}

  static String field(String value) {
    if (value == null) {
      return "";
    }
    if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
      return "\"" + value.replace("\"", "\"\"") + "\"";
    }
    return value;
  }
}
