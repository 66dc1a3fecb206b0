package dev.goroscope.probe;

import java.util.Objects;

/**
 * A planned probe located in one binary: its site, or why it has none.
 *
 * @param spec the plan entry
 * @param site the located function, or null when missing
 * @param missingReason null when located; otherwise e.g. "no symbol for context.WithDeadline
 *     or ... in this go1.26 binary (inlined or not linked)"
 */
public record ResolvedProbe(ProbeSpec spec, ProbeSite site, String missingReason) {

  public ResolvedProbe {
    Objects.requireNonNull(spec, "spec");
    if ((site == null) == (missingReason == null)) {
      throw new IllegalArgumentException("exactly one of site and missingReason");
    }
  }

  public boolean isMissing() {
    return site == null;
  }
}
