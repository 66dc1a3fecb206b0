package dev.goroscope.probe;

import java.util.List;
import java.util.Objects;

/**
 * A catalog probe located in one binary: its site, or why it has none.
 *
 * @param spec the catalog entry
 * @param site the located function, or null when missing
 * @param missingReason null when located; otherwise e.g. "no symbol for context.WithDeadline
 *     or ... in this go1.26 binary (inlined or not linked)"
 * @param absentCandidates the candidate functions the binary has no symbol for
 */
public record ResolvedProbe(ProbeSpec spec, ProbeSite site, String missingReason,
    List<String> absentCandidates) {

  public ResolvedProbe {
    Objects.requireNonNull(spec, "spec");
    if ((site == null) == (missingReason == null)) {
      throw new IllegalArgumentException("exactly one of site and missingReason");
    }
    absentCandidates = List.copyOf(absentCandidates);
  }

  public boolean isMissing() {
    return site == null;
  }
}
