package dev.goroscope.probe;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One probe of the {@link ProbeCatalog}: everything inspect and attach need to know about it.
 *
 * @param role what it observes
 * @param group which probes attach together, and when
 * @param point entry (after the prologue) or every RET
 * @param candidates function names in order of preference; the first with a symbol is used, and
 *     only that one (a caller and its inlined callee would double-count)
 * @param program the BPF program attached there
 * @param offsets the struct offsets the program reads, with their BPF constants
 * @param addresses the target addresses the program compares against, with their constants
 * @param ifLinked a program without the function never does this: the probe is then simply not
 *     needed (a channel receive with ok), where otherwise its group could not work without it
 * @param note how it works on this Go version: registers, version differences, inlining
 * @param fixed BPF constants whose value this Go version fixes (e.g. where an argument is)
 * @param unsupported why this Go version cannot do what the probe does, or null: the probe is
 *     then missing in every binary of the version, with this reason
 */
public record ProbeSpec(ProbeRole role, ProbeGroup group, AttachPoint point,
    List<String> candidates, String program, List<OffsetUse> offsets,
    List<AddressUse> addresses, boolean ifLinked, String note, Map<String, Long> fixed,
    String unsupported) {

  /** A probe every version of the catalog supports, with no fixed constant. */
  public ProbeSpec(ProbeRole role, ProbeGroup group, AttachPoint point,
      List<String> candidates, String program, List<OffsetUse> offsets,
      List<AddressUse> addresses, boolean ifLinked, String note) {
    this(role, group, point, candidates, program, offsets, addresses, ifLinked, note, Map.of(),
        null);
  }

  public ProbeSpec {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(point, "point");
    candidates = List.copyOf(candidates);
    Objects.requireNonNull(program, "program");
    offsets = List.copyOf(offsets);
    addresses = List.copyOf(addresses);
    Objects.requireNonNull(note, "note");
    fixed = Map.copyOf(fixed);
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("no candidate function for " + role);
    }
  }

  /** The struct fields it reads, required ones and optional ones. */
  public List<String> offsetKeys() {
    return offsets.stream().map(OffsetUse::key).toList();
  }
}
