package dev.goroscope.gobinary.otelsdk;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The OpenTelemetry Go SDK's field offsets by SDK version range, for binaries without DWARF, and
 * so the range of SDK versions goroscope supports.
 *
 * <p>The resource {@code otel-sdk-offset-table.txt} is written by {@code SdkOffsetTableGenerator}
 * ({@code scripts/generate-otel-sdk-offset-table.sh}): it fetches every SDK release from the Go
 * module proxy ({@code go mod download}, through {@code go get}), builds a small program against
 * each with this machine's Go, reads the DWARF with goroscope's own reader and merges consecutive
 * releases with the same layout into one row. A row covers its first release up to every patch
 * release of its last release line. Format:
 *
 * <pre>
 * [v1.20.0 v1.47.0] regenerated go1.26.8
 * # v1.20.0 v1.21.0 ... (the releases built)
 * go.opentelemetry.io/otel/sdk/trace.recordingSpan.spanContext=192
 * </pre>
 */
public final class SdkOffsetTable {

  /** The classpath resource holding the built-in table. */
  public static final String RESOURCE = "otel-sdk-offset-table.txt";

  /**
   * One version range with one layout.
   *
   * @param first the first release built
   * @param last the last release built; later patch releases of its line are covered too
   * @param origin the Go toolchain that built the rows, e.g. {@code go1.26.8}
   * @param releases every release built for this row, in order
   * @param offsets field key → offset, in {@link SdkFields} order
   */
  public record Row(ModuleVersion first, ModuleVersion last, String origin,
      List<String> releases, Map<String, Long> offsets) {
    public Row {
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(last, "last");
      Objects.requireNonNull(origin, "origin");
      releases = List.copyOf(releases);
      offsets = Collections.unmodifiableMap(new LinkedHashMap<>(offsets));
      if (first.compareTo(last) > 0) {
        throw new IllegalArgumentException("row " + first + " after " + last);
      }
    }

    /** Whether {@code v} is in this row: from {@link #first} to any patch of {@link #last}. */
    public boolean covers(ModuleVersion v) {
      return v.compareTo(first) >= 0 && (v.compareTo(last) <= 0 || v.sameLine(last));
    }

    /** e.g. {@code v1.20.0 to v1.47.x}. */
    public String range() {
      return first.raw() + " to " + last.line();
    }
  }

  private static volatile SdkOffsetTable builtIn;

  private final List<Row> rows;

  private SdkOffsetTable(List<Row> rows) {
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort((a, b) -> a.first().compareTo(b.first()));
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i - 1).covers(sorted.get(i).first())) {
        throw new IllegalArgumentException("overlapping rows " + sorted.get(i - 1).range()
            + " and " + sorted.get(i).range());
      }
    }
    this.rows = List.copyOf(sorted);
  }

  /** The table shipped in the jar. */
  public static SdkOffsetTable builtIn() {
    SdkOffsetTable t = builtIn;
    if (t == null) {
      try (InputStream in = SdkOffsetTable.class.getResourceAsStream(RESOURCE)) {
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

  public static SdkOffsetTable of(List<Row> rows) {
    return new SdkOffsetTable(rows);
  }

  public List<Row> rows() {
    return rows;
  }

  /** The row covering {@code version}, if any. */
  public Optional<Row> row(ModuleVersion version) {
    for (Row r : rows) {
      if (r.covers(version)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /** The oldest release of the table. */
  public ModuleVersion oldest() {
    return rows.get(0).first();
  }

  /** The newest release line of the table. */
  public ModuleVersion newest() {
    return rows.get(rows.size() - 1).last();
  }

  /** The supported range as users read it, e.g. {@code v1.14.0 to v1.47.x}. */
  public String range() {
    return rows.isEmpty() ? "none" : oldest().raw() + " to " + newest().line();
  }

  /** Parses the text format described in the class comment. */
  public static SdkOffsetTable parse(String text) {
    List<Row> out = new ArrayList<>();
    ModuleVersion first = null;
    ModuleVersion last = null;
    String origin = null;
    List<String> releases = new ArrayList<>();
    Map<String, Long> offsets = new LinkedHashMap<>();
    int lineNo = 0;
    for (String raw : text.split("\n", -1)) {
      lineNo++;
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      if (line.startsWith("#")) {
        if (first != null && line.startsWith("# v")) {
          releases.addAll(List.of(line.substring(2).strip().split("\\s+")));
        }
        continue;
      }
      if (line.startsWith("[")) {
        if (first != null) {
          out.add(new Row(first, last, origin, releases, offsets));
        }
        int close = line.indexOf(']');
        String[] range = close < 0 ? new String[0] : line.substring(1, close).split("\\s+");
        String[] words = close < 0 ? new String[0]
            : line.substring(close + 1).strip().split("\\s+", 2);
        Optional<ModuleVersion> a = range.length == 2 ? ModuleVersion.parse(range[0])
            : Optional.empty();
        Optional<ModuleVersion> b = range.length == 2 ? ModuleVersion.parse(range[1])
            : Optional.empty();
        if (a.isEmpty() || b.isEmpty() || words.length != 2 || !words[0].equals("regenerated")) {
          throw new IllegalArgumentException("otel sdk offset table line " + lineNo + ": " + line);
        }
        first = a.get();
        last = b.get();
        origin = words[1];
        releases = new ArrayList<>();
        offsets = new LinkedHashMap<>();
        continue;
      }
      int eq = line.indexOf('=');
      if (first == null || eq <= 0) {
        throw new IllegalArgumentException("otel sdk offset table line " + lineNo + ": " + line);
      }
      try {
        long v = Long.parseLong(line.substring(eq + 1).strip());
        if (v < 0) {
          throw new NumberFormatException("negative");
        }
        offsets.put(line.substring(0, eq), v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("otel sdk offset table line " + lineNo + ": " + line,
            e);
      }
    }
    if (first != null) {
      out.add(new Row(first, last, origin, releases, offsets));
    }
    return new SdkOffsetTable(out);
  }

  /** The text form; {@link #parse} of it gives an equal table. */
  public String format(List<String> headerComments) {
    StringBuilder sb = new StringBuilder();
    for (String c : headerComments) {
      sb.append("# ").append(c).append('\n');
    }
    for (Row r : rows) {
      sb.append('\n').append('[').append(r.first().raw()).append(' ').append(r.last().raw())
          .append("] regenerated ").append(r.origin()).append('\n');
      if (!r.releases().isEmpty()) {
        sb.append("# ").append(String.join(" ", r.releases())).append('\n');
      }
      r.offsets().forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    }
    return sb.toString();
  }
}
