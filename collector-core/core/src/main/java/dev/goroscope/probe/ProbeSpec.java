package dev.goroscope.probe;

import java.util.List;
import java.util.Objects;

/**
 * One planned probe.
 *
 * @param role what it observes
 * @param set which set attaches it
 * @param point entry, returns, or address only
 * @param candidates function names in order of preference; the first with a symbol is used, and
 *     only that one (a caller and its callee would double-count)
 * @param offsetKeys the struct offsets the BPF side reads for it (see {@code OffsetKeys})
 * @param note how it works on this Go version: registers, version differences, inlining
 */
public record ProbeSpec(ProbeRole role, ProbeSet set, AttachPoint point, List<String> candidates,
    List<String> offsetKeys, String note) {

  public ProbeSpec {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(set, "set");
    Objects.requireNonNull(point, "point");
    candidates = List.copyOf(candidates);
    offsetKeys = List.copyOf(offsetKeys);
    Objects.requireNonNull(note, "note");
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("no candidate function for " + role);
    }
  }
}
