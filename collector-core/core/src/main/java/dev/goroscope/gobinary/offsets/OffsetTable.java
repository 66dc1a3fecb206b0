package dev.goroscope.gobinary.offsets;

import dev.goroscope.gobinary.GoVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The built-in struct offsets by Go minor version, for binaries without DWARF.
 *
 * <p>The resource {@code offset-table.txt} is written by {@code OffsetTableGenerator}
 * ({@code scripts/generate-offset-table.sh}): rows for toolchains installed here are read from
 * the DWARF of a probe program built with each of them (marked {@code regenerated}); rows for
 * other versions are transcribed from the reference notes (marked {@code documented}, i.e. not
 * regenerated here). Format, one row per version:
 *
 * <pre>
 * [1.26] regenerated go1.26.8
 * runtime.g.goid=152
 * context.timerCtx.cancelCtx=0 pointer
 * </pre>
 */
public final class OffsetTable {

  /** The classpath resource holding the built-in table. */
  public static final String RESOURCE = "offset-table.txt";

  private static volatile OffsetTable builtIn;

  private final Map<Integer, StructOffsets> rows;

  private OffsetTable(Map<Integer, StructOffsets> rows) {
    this.rows = Collections.unmodifiableMap(new TreeMap<>(rows));
  }

  /** The table shipped in the jar. */
  public static OffsetTable builtIn() {
    OffsetTable t = builtIn;
    if (t == null) {
      try (InputStream in = OffsetTable.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("resource " + RESOURCE + " missing from the build");
        }
        t = parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      builtIn = t;
    }
    return t;
  }

  public static OffsetTable of(Collection<StructOffsets> rows) {
    Map<Integer, StructOffsets> m = new TreeMap<>();
    for (StructOffsets r : rows) {
      if (r.source() != OffsetSource.TABLE) {
        throw new IllegalArgumentException("table rows must have source TABLE: " + r);
      }
      if (m.put(r.goMinor(), r) != null) {
        throw new IllegalArgumentException("two rows for go1." + r.goMinor());
      }
    }
    return new OffsetTable(m);
  }

  /** The row for {@code version}'s release line, if the table has one. */
  public Optional<StructOffsets> row(GoVersion version) {
    return version.isKnown() ? row(version.minor()) : Optional.empty();
  }

  public Optional<StructOffsets> row(int minor) {
    return Optional.ofNullable(rows.get(minor));
  }

  /** All rows by minor version. */
  public Map<Integer, StructOffsets> rows() {
    return rows;
  }

  /** Parses the text format described in the class comment. */
  public static OffsetTable parse(String text) {
    Map<Integer, StructOffsets> out = new TreeMap<>();
    StructOffsets.Builder current = null;
    int currentMinor = -1;
    int lineNo = 0;
    for (String raw : text.split("\n", -1)) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("[")) {
        if (current != null) {
          out.put(currentMinor, current.build());
        }
        int close = line.indexOf(']');
        String[] words = line.substring(close + 1).strip().split("\\s+", 2);
        currentMinor = GoVersion.parseOrUnknown("go" + line.substring(1, Math.max(1, close)))
            .minor();
        if (close < 0 || currentMinor < 0 || words.length != 2
            || !(words[0].equals("regenerated") || words[0].equals("documented"))) {
          throw new IllegalArgumentException("offset table line " + lineNo + ": " + line);
        }
        if (out.containsKey(currentMinor)) {
          throw new IllegalArgumentException("offset table line " + lineNo + ": duplicate row");
        }
        current = StructOffsets.builder(OffsetSource.TABLE, currentMinor)
            .regenerated(words[0].equals("regenerated"))
            .origin(words[1]);
        continue;
      }
      int eq = line.indexOf('=');
      if (current == null || eq <= 0) {
        throw new IllegalArgumentException("offset table line " + lineNo + ": " + line);
      }
      String key = line.substring(0, eq);
      String[] value = line.substring(eq + 1).strip().split("\\s+");
      try {
        current.put(key, Long.parseLong(value[0]));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("offset table line " + lineNo + ": " + line, e);
      }
      if (value.length > 1 && value[1].equals("pointer")) {
        current.pointer(key);
      } else if (value.length > 1) {
        throw new IllegalArgumentException("offset table line " + lineNo + ": " + line);
      }
    }
    if (current != null) {
      out.put(currentMinor, current.build());
    }
    return new OffsetTable(out);
  }

  /** The text form; {@link #parse} of it gives an equal table. */
  public String format(List<String> headerComments) {
    StringBuilder sb = new StringBuilder();
    for (String c : headerComments) {
      sb.append("# ").append(c).append('\n');
    }
    for (StructOffsets r : rows.values()) {
      sb.append('\n').append('[').append("1.").append(r.goMinor()).append("] ")
          .append(r.regenerated() ? "regenerated" : "documented").append(' ')
          .append(r.origin()).append('\n');
      List<String> keys = new ArrayList<>(OffsetKeys.all());
      for (String k : r.asMap().keySet()) {
        if (!keys.contains(k)) {
          keys.add(k);
        }
      }
      for (String k : keys) {
        if (r.has(k)) {
          sb.append(k).append('=').append(r.asMap().get(k))
              .append(r.isPointer(k) ? " pointer" : "").append('\n');
        }
      }
    }
    return sb.toString();
  }
}
