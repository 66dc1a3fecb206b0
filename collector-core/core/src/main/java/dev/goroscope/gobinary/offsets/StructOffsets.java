package dev.goroscope.gobinary.offsets;

import dev.goroscope.GoroscopeException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The struct field offsets of one binary, keyed like {@code runtime.g.goid} (see {@link
 * OffsetKeys}), with where they came from. Immutable.
 *
 * <p>A field the source does not have is absent, never zero: {@code runtime.g.parentGoid} is
 * absent before Go 1.21. Which fields a probe cannot do without is the probe catalog's call
 * ({@code dev.goroscope.probe.ProbePlan}), so that attach refuses instead of guessing.
 */
public final class StructOffsets {

  private final int goMinor;
  private final OffsetSource source;
  private final boolean regenerated;
  private final String origin;
  private final Map<String, Long> offsets;
  private final Set<String> pointerFields;

  private StructOffsets(Builder b) {
    this.goMinor = b.goMinor;
    this.source = b.source;
    this.regenerated = b.regenerated;
    this.origin = b.origin;
    this.offsets = Collections.unmodifiableMap(new TreeMap<>(b.offsets));
    this.pointerFields = Collections.unmodifiableSet(new TreeSet<>(b.pointerFields));
  }

  public static Builder builder(OffsetSource source, int goMinor) {
    return new Builder(source, goMinor);
  }

  /** No offsets at all: neither DWARF nor a table row. */
  public static StructOffsets none(int goMinor, String why) {
    return builder(OffsetSource.NONE, goMinor).origin(why).build();
  }

  /** The Go minor version (26 for go1.26.x); -1 when unknown. */
  public int goMinor() {
    return goMinor;
  }

  public OffsetSource source() {
    return source;
  }

  /**
   * True for DWARF and for table rows regenerated here from a real toolchain's DWARF; false
   * for table rows transcribed from the reference notes (Go versions with no toolchain here).
   */
  public boolean regenerated() {
    return regenerated;
  }

  /** Where exactly: the toolchain that produced a table row, the reference file, or why none. */
  public String origin() {
    return origin;
  }

  /** All offsets, sorted by key. */
  public Map<String, Long> asMap() {
    return offsets;
  }

  public boolean has(String key) {
    return offsets.containsKey(key);
  }

  public OptionalLong get(String key) {
    Long v = offsets.get(key);
    return v == null ? OptionalLong.empty() : OptionalLong.of(v);
  }

  /** The offset of {@code key}, or a user-facing error naming it. */
  public long require(String key) {
    Long v = offsets.get(key);
    if (v == null) {
      throw new GoroscopeException("struct offset " + key + " is unknown for "
          + versionLabel() + " (" + source.label() + "): rebuild the target without -ldflags=-w"
          + " so its DWARF describes it");
    }
    return v;
  }

  /**
   * True when the member's type is a pointer rather than an embedded value, e.g. {@code
   * context.timerCtx.cancelCtx} on Go 1.20 (a {@code *cancelCtx}): readers must dereference it.
   */
  public boolean isPointer(String key) {
    return pointerFields.contains(key);
  }

  public Set<String> pointerFields() {
    return pointerFields;
  }

  /** The fields this Go version has (see {@link OffsetKeys#expected}) that are absent. */
  public List<String> missing() {
    return missing(OffsetKeys.expected(goMinor));
  }

  /** The keys among {@code keys} that are absent. */
  public List<String> missing(Collection<String> keys) {
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      if (!offsets.containsKey(k)) {
        out.add(k);
      }
    }
    return out;
  }

  /**
   * These offsets plus the fields of {@code more} (a library's, read separately, e.g. the
   * OpenTelemetry Go SDK's), keeping this one's source and origin; on a shared key this one wins.
   */
  public StructOffsets withFields(StructOffsets more) {
    Builder b = builder(source, goMinor).regenerated(regenerated).origin(origin);
    more.offsets.forEach(b::put);
    more.pointerFields.forEach(b::pointer);
    offsets.forEach(b::put);
    pointerFields.forEach(b::pointer);
    return b.build();
  }

  /** The Go release these offsets are for, e.g. {@code go1.26}, for messages. */
  public String versionLabel() {
    return goMinor < 0 ? "an unknown Go version" : "go1." + goMinor;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StructOffsets s && goMinor == s.goMinor && source == s.source
        && regenerated == s.regenerated && origin.equals(s.origin) && offsets.equals(s.offsets)
        && pointerFields.equals(s.pointerFields);
  }

  @Override
  public int hashCode() {
    return Objects.hash(goMinor, source, regenerated, origin, offsets, pointerFields);
  }

  @Override
  public String toString() {
    return "StructOffsets{" + versionLabel() + ", " + source.label()
        + (regenerated ? "" : " (not regenerated here)") + ", " + offsets
        + (pointerFields.isEmpty() ? "" : ", pointers " + pointerFields) + "}";
  }

  /** Builds a {@link StructOffsets}; each setter checks its input. */
  public static final class Builder {
    private final OffsetSource source;
    private final int goMinor;
    private boolean regenerated = true;
    private String origin = "";
    private final Map<String, Long> offsets = new TreeMap<>();
    private final Set<String> pointerFields = new TreeSet<>();

    private Builder(OffsetSource source, int goMinor) {
      this.source = Objects.requireNonNull(source, "source");
      this.goMinor = goMinor;
    }

    public Builder regenerated(boolean value) {
      this.regenerated = value;
      return this;
    }

    public Builder origin(String value) {
      this.origin = Objects.requireNonNull(value, "origin");
      return this;
    }

    public Builder put(String key, long offset) {
      if (offset < 0) {
        throw new IllegalArgumentException("negative offset for " + key);
      }
      offsets.put(Objects.requireNonNull(key, "key"), offset);
      return this;
    }

    public Builder pointer(String key) {
      pointerFields.add(Objects.requireNonNull(key, "key"));
      return this;
    }

    public StructOffsets build() {
      if (!offsets.keySet().containsAll(pointerFields)) {
        throw new IllegalStateException("pointer flag on an absent field: " + pointerFields);
      }
      return new StructOffsets(this);
    }
  }
}
