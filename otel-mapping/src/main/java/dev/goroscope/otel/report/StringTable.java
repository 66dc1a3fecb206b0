package dev.goroscope.otel.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Interned strings, numbered in order of first use: the report data refers to them by index. */
final class StringTable {
  private final Map<String, Integer> index = new HashMap<>();
  private final List<String> strings = new ArrayList<>();

  int id(String s) {
    Integer i = index.get(s);
    if (i != null) {
      return i;
    }
    int id = strings.size();
    strings.add(s);
    index.put(s, id);
    return id;
  }

  /** The canonical instance of {@code s}, so repeated names share one String. */
  String intern(String s) {
    return strings.get(id(s));
  }

  List<String> strings() {
    return strings;
  }
}
