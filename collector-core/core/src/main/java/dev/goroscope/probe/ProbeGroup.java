package dev.goroscope.probe;

/**
 * Probes that are attached together, or not at all. Every uprobe hit costs several µs in the
 * target, so only the rare causal edges are in the default groups.
 */
public enum ProbeGroup {
  /** Creation and exit: every attach needs them; a missing piece refuses the attach. */
  LIFECYCLE(false, true),
  /** Context deadlines and cancels: by default; a missing piece drops the group, with a note. */
  CONTEXTS(false, false),
  /** Park and wake-up ({@code --deep}): who woke whom. */
  SCHEDULING(true, true),
  /** Channel operations ({@code --deep}): which channel a goroutine used, when. */
  CHANNELS(true, false),
  /**
   * The application's own spans (OpenTelemetry Go SDK): by default when the program links the
   * SDK; a program without it simply has no such group (no note).
   */
  APP_SPANS(false, false, "go.opentelemetry.io/otel/sdk");

  private final boolean deep;
  private final boolean required;
  private final String library;

  ProbeGroup(boolean deep, boolean required) {
    this(deep, required, null);
  }

  ProbeGroup(boolean deep, boolean required, String library) {
    this.deep = deep;
    this.required = required;
    this.library = library;
  }

  /**
   * The Go module whose code the group watches, or null for the runtime and standard library:
   * when none of the group's functions is in the binary, the library is not linked and the
   * group is absent without a note.
   */
  public String library() {
    return library;
  }

  /** Attached only with {@code --deep}. */
  public boolean deep() {
    return deep;
  }

  /** An attach that wants this group refuses when a piece of it is missing (else drops it). */
  public boolean required() {
    return required;
  }

  /** Whether a run in this mode attaches the group. */
  public boolean enabled(boolean deepMode) {
    return !deep || deepMode;
  }
}
