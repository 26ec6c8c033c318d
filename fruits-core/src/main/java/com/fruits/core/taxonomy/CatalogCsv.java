package com.fruits.core.taxonomy;

import com.fruits.core.FruitsException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one reader of the catalog's CSV files ({@code taxonomy.csv}, {@code imagenet-species.csv}): comments ({@code #})
 * and blank lines skipped, a fixed header, then rows of exactly as many comma-separated fields as the header names.
 * Problems are one line naming the file and the line.
 */
public final class CatalogCsv {
  /** One data row: its line number (from 1) and its fields, not trimmed. */
  public record Row(int line, String[] fields) {
    /** A problem with this row, as one line naming the file and the line. */
    public FruitsException error(String origin, String message) {
      return new FruitsException(origin + " line " + line + ": " + message);
    }
  }

  private CatalogCsv() {}

  public static List<Row> rows(String csv, String origin, String header) {
    int width = header.split(",", -1).length;
    List<Row> rows = new ArrayList<>();
    boolean headerSeen = false;
    String[] lines = csv.split("\r?\n", -1);
    for (int n = 0; n < lines.length; n++) {
      String line = lines[n].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (!headerSeen) {
        if (!line.equals(header)) {
          throw new FruitsException(origin + ": the first line must be '" + header + "', not '" + line + "'");
        }
        headerSeen = true;
        continue;
      }
      Row row = new Row(n + 1, line.split(",", -1));
      if (row.fields().length != width) {
        throw row.error(origin, "expected " + width + " comma-separated fields, got " + row.fields().length + " in '"
            + line + "'");
      }
      rows.add(row);
    }
    return rows;
  }
}
