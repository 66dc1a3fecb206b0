package dev.goroscope.probe;

/** Which probes a run attaches; every uprobe hit costs several µs in the target. */
public enum ProbeSet {
  /** The rare, causal events: creation, exit, context deadlines and cancels. */
  DEFAULT,
  /** Opt-in: park and ready, to rebuild who woke whom. */
  DEEP,
  /** Not attached by default in any set: too hot, or a fallback. */
  OPTIONAL
}
