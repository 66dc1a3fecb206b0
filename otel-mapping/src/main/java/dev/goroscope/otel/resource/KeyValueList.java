package dev.goroscope.otel.resource;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses the W3C-baggage-like {@code key1=value1,key2=value2} lists of
 * {@code OTEL_RESOURCE_ATTRIBUTES} and {@code OTEL_EXPORTER_OTLP_HEADERS}: values are
 * percent-decoded, blanks around keys and values trimmed, malformed members skipped (the
 * specification says an invalid list must not stop the program).
 */
public final class KeyValueList {

  private KeyValueList() {}

  /** The members in order; a later duplicate key wins. Never null. */
  public static Map<String, String> parse(String list) {
    if (list == null || list.isBlank()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String member : list.split(",")) {
      int eq = member.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String key = member.substring(0, eq).trim();
      String value = member.substring(eq + 1).trim();
      if (key.isEmpty()) {
        continue;
      }
      out.put(key, decode(value));
    }
    return Collections.unmodifiableMap(out);
  }

  private static String decode(String value) {
    try {
      // '+' is a literal plus here, not a space as in forms.
      return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return value;
    }
  }
}
