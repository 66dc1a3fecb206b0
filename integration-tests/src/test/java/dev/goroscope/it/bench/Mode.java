package dev.goroscope.it.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** What watches the Go program during one measurement. */
enum Mode {
  NONE("none", "no tracer", "none", Kind.PLAIN, List.of()),
  GO_TRACE("trace", "Go `runtime/trace` (to io.Discard)", "trace", Kind.PLAIN, List.of()),
  GO_FLIGHT_RECORDER("flight", "Go flight recorder (`trace.FlightRecorder`)", "flight",
      Kind.PLAIN, List.of()),
  FLOOR("floor", "empty uprobes at goroscope's default sites (the trap floor)", "none",
      Kind.EMPTY_UPROBES, List.of()),
  GOROSCOPE("goroscope", "`goroscope attach` (default)", "none", Kind.GOROSCOPE, List.of()),
  GOROSCOPE_DEEP("deep", "`goroscope attach --deep`", "none", Kind.GOROSCOPE, List.of("--deep")),
  /** Without the default stop-the-world probes: what they cost, by difference. */
  GOROSCOPE_NO_STW("no-stw", "`goroscope attach --probe no-stw`", "none", Kind.GOROSCOPE,
      List.of("--probe", "no-stw")),
  GOROSCOPE_MUTEX("mutex", "`goroscope attach --probe mutex`", "none", Kind.GOROSCOPE,
      List.of("--probe", "mutex")),
  GOROSCOPE_SYSCALL("syscall", "`goroscope attach --probe syscall`", "none", Kind.GOROSCOPE,
      List.of("--probe", "syscall")),
  GOROSCOPE_SCHED("sched", "`goroscope attach --probe sched`", "none", Kind.GOROSCOPE,
      List.of("--probe", "sched")),
  /** Spans over OTLP/HTTP to a receiver of the harness's that answers and discards them. */
  GOROSCOPE_OTLP("otlp", "`goroscope attach --output otlp` (to a discarding receiver)", "none",
      Kind.GOROSCOPE, List.of(), Output.OTLP, false),
  /**
   * The always-on mode being built elsewhere: measured when {@code goroscope attach --help}
   * lists {@code --mode}, else reported as not available (see {@link Sidecar#supportsModeOption}).
   */
  GOROSCOPE_SAMPLED("sampled", "`goroscope attach --mode sampled`", "none", Kind.GOROSCOPE,
      List.of("--mode", "sampled")),
  /** {@link #GOROSCOPE} with the baseline build ({@code --baseline}): before/after in one run. */
  BASE("base", "`goroscope attach` (default), baseline build", "none", Kind.GOROSCOPE,
      List.of(), Output.JSONL, true),
  /** {@link #GOROSCOPE_OTLP} with the baseline build. */
  BASE_OTLP("base-otlp", "`goroscope attach --output otlp`, baseline build", "none",
      Kind.GOROSCOPE, List.of(), Output.OTLP, true);

  /** Where a goroscope mode's records go. */
  enum Output {
    /** {@code --output jsonl --jsonl-file /dev/null} */
    JSONL,
    /** {@code --output otlp} to the harness's discarding OTLP/HTTP receiver */
    OTLP
  }

  /** How the mode is set up around the target. */
  enum Kind {
    /** Only the target's own -tracer flag. */
    PLAIN,
    /** An empty BPF program at each of goroscope's default uprobe sites. */
    EMPTY_UPROBES,
    /** The goroscope sidecar, through the launcher, as a user runs it. */
    GOROSCOPE
  }

  private final String id;
  private final String label;
  private final String goTracer;
  private final Kind kind;
  private final List<String> attachArgs;
  private final Output output;
  private final boolean baseline;

  Mode(String id, String label, String goTracer, Kind kind, List<String> attachArgs) {
    this(id, label, goTracer, kind, attachArgs, Output.JSONL, false);
  }

  Mode(String id, String label, String goTracer, Kind kind, List<String> attachArgs,
      Output output, boolean baseline) {
    this.id = id;
    this.label = label;
    this.goTracer = goTracer;
    this.kind = kind;
    this.attachArgs = attachArgs;
    this.output = output;
    this.baseline = baseline;
  }

  /** The name on the command line ({@code --modes none,floor,...}). */
  String id() {
    return id;
  }

  /** The row label of the report (markdown). */
  String label() {
    return label;
  }

  /** The Go programs' {@code -tracer} value. */
  String goTracer() {
    return goTracer;
  }

  Kind kind() {
    return kind;
  }

  /** Extra {@code goroscope attach} options of a goroscope mode. */
  List<String> attachArgs() {
    return attachArgs;
  }

  boolean hasSidecar() {
    return kind == Kind.GOROSCOPE;
  }

  /** Where a goroscope mode writes (JSON lines for the other kinds too: unused there). */
  Output output() {
    return output;
  }

  /** Whether the mode runs the baseline build of goroscope ({@code --baseline}). */
  boolean baseline() {
    return baseline;
  }

  /** Every mode, without the baseline ones unless a baseline build is given. */
  static List<Mode> defaults(boolean withBaseline) {
    return Arrays.stream(values()).filter(m -> withBaseline || !m.baseline).toList();
  }

  static Mode ofId(String id) {
    for (Mode m : values()) {
      if (m.id.equals(id.trim().toLowerCase(Locale.ROOT))) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown mode '" + id + "': use " + ids());
  }

  static String ids() {
    return Arrays.stream(values()).map(Mode::id).collect(Collectors.joining(", "));
  }
}
