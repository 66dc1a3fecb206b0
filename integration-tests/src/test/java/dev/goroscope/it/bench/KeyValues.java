package dev.goroscope.it.bench;

import java.util.HashMap;
import java.util.Map;

/** The {@code key=value key=value} lines the benchmark programs print. */
final class KeyValues {
  private final String line;
  private final Map<String, String> values = new HashMap<>();

  KeyValues(String line) {
    this.line = line;
    for (String field : line.trim().split("\\s+")) {
      int eq = field.indexOf('=');
      if (eq > 0) {
        values.put(field.substring(0, eq), field.substring(eq + 1));
      }
    }
  }

  double number(String key) {
    String v = values.get(key);
    if (v == null) {
      throw new IllegalStateException("no " + key + "= in '" + line + "'");
    }
    return Double.parseDouble(v);
  }
}
