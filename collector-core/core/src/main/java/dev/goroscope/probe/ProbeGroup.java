package dev.goroscope.probe;

/**
 * Probes that are attached together, or not at all. Every uprobe hit costs several µs in the
 * target, so only the rare causal edges (and stop-the-world pauses, a few hits per GC cycle)
 * are in the default groups; the rest is asked for with {@code --deep} or {@code --probe NAME}.
 */
public enum ProbeGroup {
  /** Creation and exit: every attach needs them; a missing piece refuses the attach. */
  LIFECYCLE(null, false, true, true),
  /** Context deadlines and cancels: by default; a missing piece drops the group, with a note. */
  CONTEXTS(null, false, false, true),
  /** Park and wake-up ({@code --deep}): who woke whom. */
  SCHEDULING(null, true, true, false),
  /** Channel operations ({@code --deep}): which channel a goroutine used, when. */
  CHANNELS(null, true, false, false),
  /** Stop-the-world pauses ({@code --probe stw}, on by default): two hits per pause. */
  STW("stw", false, false, true),
  /** Contended sync.Mutex acquisitions ({@code --probe mutex}). */
  MUTEX("mutex", false, false, false),
  /** Waits of sync.RWMutex readers and writers on each other ({@code --probe mutex}). */
  RWMUTEX("mutex", false, false, false),
  /** System calls and threads locked by goroutines ({@code --probe syscall}). */
  SYSCALLS("syscall", false, false, false),
  /** Time from runnable to running ({@code --probe sched}): every status change, deep. */
  SCHED_LATENCY("sched", false, false, false),
  /**
   * The application's own spans (OpenTelemetry Go SDK): by default when the program links the
   * SDK; a program without it simply has no such group (no note).
   */
  APP_SPANS(null, false, false, true, "go.opentelemetry.io/otel/sdk");

  private final String option;
  private final boolean deep;
  private final boolean required;
  private final boolean defaultOn;
  private final String library;

  ProbeGroup(String option, boolean deep, boolean required, boolean defaultOn) {
    this(option, deep, required, defaultOn, null);
  }

  ProbeGroup(String option, boolean deep, boolean required, boolean defaultOn, String library) {
    this.option = option;
    this.deep = deep;
    this.required = required;
    this.defaultOn = defaultOn;
    this.library = library;
  }

  /** The {@code --probe} name that switches it on or off, or null (always, or {@code --deep}). */
  public String option() {
    return option;
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

  /** Attached unless switched off (groups without an option: unless deep). */
  public boolean defaultOn() {
    return defaultOn;
  }

  /** Whether a run in this mode attaches the group, with the default {@code --probe} set. */
  public boolean enabled(boolean deepMode) {
    return ProbeSelection.defaults().withDeep(deepMode).enabled(this);
  }

  /**
   * Which set the group belongs to, as {@code inspect} shows it: {@code default} (attached by
   * a plain {@code attach}), {@code deep}, or the {@code --probe} name that asks for it.
   */
  public String set() {
    if (deep) {
      return "deep";
    }
    return defaultOn ? "default" : option;
  }
}
