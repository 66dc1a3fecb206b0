package dev.goroscope.probe;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which probe groups one run asks for, and how they report: the default groups, the
 * {@code --deep} ones, those named with {@code --probe} (e.g. {@code mutex}, or {@code no-stw}
 * to switch a default one off), and the shortest system call worth a record. Immutable;
 * {@link ProbePlan} decides what of it the binary allows.
 */
public final class ProbeSelection {

  /** System calls shorter than this are not reported one by one. */
  public static final Duration DEFAULT_SYSCALL_THRESHOLD = Duration.ofMillis(1);

  private static final ProbeSelection DEFAULTS =
      new ProbeSelection(false, defaultGroups(), DEFAULT_SYSCALL_THRESHOLD);
  private static final ProbeSelection ALL = new ProbeSelection(true,
      EnumSet.allOf(ProbeGroup.class), DEFAULT_SYSCALL_THRESHOLD);

  private final boolean deep;
  private final Set<ProbeGroup> groups;
  private final Duration syscallThreshold;

  private ProbeSelection(boolean deep, Set<ProbeGroup> groups, Duration syscallThreshold) {
    this.deep = deep;
    this.groups = Set.copyOf(groups);
    this.syscallThreshold = syscallThreshold;
  }

  /** The default groups, not deep. */
  public static ProbeSelection defaults() {
    return DEFAULTS;
  }

  /** Every group, deep ones included (what {@code inspect} shows). */
  public static ProbeSelection all() {
    return ALL;
  }

  /** The {@code --probe} names, in catalog order: {@code stw}, {@code mutex}, … */
  public static List<String> optionNames() {
    Set<String> out = new LinkedHashSet<>();
    for (ProbeGroup g : ProbeGroup.values()) {
      if (g.option() != null) {
        out.add(g.option());
      }
    }
    return List.copyOf(out);
  }

  /** The same with {@code --deep} on or off. */
  public ProbeSelection withDeep(boolean deepMode) {
    return deepMode == deep ? this : new ProbeSelection(deepMode, groups, syscallThreshold);
  }

  /**
   * The same with another syscall threshold: calls at least this long are reported.
   *
   * @throws IllegalArgumentException when negative
   */
  public ProbeSelection withSyscallThreshold(Duration threshold) {
    if (threshold.isNegative()) {
      throw new IllegalArgumentException("syscall threshold must not be negative, got "
          + threshold);
    }
    return new ProbeSelection(deep, groups, threshold);
  }

  /** System calls at least this long are reported one by one ({@code --probe syscall}). */
  public Duration syscallThreshold() {
    return syscallThreshold;
  }

  /**
   * The same with the groups of one {@code --probe} value: {@code NAME} switches them on,
   * {@code no-NAME} off.
   *
   * @throws IllegalArgumentException for an unknown name, with the known ones
   */
  public ProbeSelection with(String value) {
    String v = value.strip().toLowerCase(Locale.ROOT);
    boolean off = v.startsWith("no-");
    String name = off ? v.substring(3) : v;
    Set<ProbeGroup> named = EnumSet.noneOf(ProbeGroup.class);
    for (ProbeGroup g : ProbeGroup.values()) {
      if (name.equals(g.option())) {
        named.add(g);
      }
    }
    if (named.isEmpty()) {
      throw new IllegalArgumentException("unknown probe '" + value + "': expected one of "
          + String.join(", ", optionNames()) + " (or no-NAME to switch one off)");
    }
    Set<ProbeGroup> next = groups.isEmpty() ? EnumSet.noneOf(ProbeGroup.class)
        : EnumSet.copyOf(groups);
    if (off) {
      next.removeAll(named);
    } else {
      next.addAll(named);
    }
    return new ProbeSelection(deep, next, syscallThreshold);
  }

  /** Whether deep groups are asked for. */
  public boolean deep() {
    return deep;
  }

  /** Whether the run asks for {@code group}. */
  public boolean enabled(ProbeGroup group) {
    if (group.deep()) {
      return deep;
    }
    return group.option() == null || groups.contains(group);
  }

  /** The {@code --probe} names switched on, e.g. {@code [stw, mutex]}. */
  public List<String> options() {
    List<String> out = new ArrayList<>();
    for (String name : optionNames()) {
      for (ProbeGroup g : groups) {
        if (name.equals(g.option()) && !out.contains(name)) {
          out.add(name);
        }
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProbeSelection s && s.deep == deep && s.groups.equals(groups)
        && s.syscallThreshold.equals(syscallThreshold);
  }

  @Override
  public int hashCode() {
    return (Boolean.hashCode(deep) * 31 + groups.hashCode()) * 31 + syscallThreshold.hashCode();
  }

  @Override
  public String toString() {
    return (deep ? "deep " : "") + options();
  }

  private static Set<ProbeGroup> defaultGroups() {
    Set<ProbeGroup> out = EnumSet.noneOf(ProbeGroup.class);
    for (ProbeGroup g : ProbeGroup.values()) {
      if (g.option() != null && g.defaultOn()) {
        out.add(g);
      }
    }
    return out;
  }
}
