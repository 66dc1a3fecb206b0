package dev.goroscope.record;

import java.util.List;

/**
 * One goroutine of one process as the correlator tracks it: what sinks receive in
 * {@link RecordSink#goroutineStarted}, {@code goroutineUpdated} and {@code goroutineEnded}.
 *
 * <p>A live view, like OpenTelemetry's {@code ReadableSpan}: valid only during the call (the
 * correlator reuses it), so keep {@link #toRecord()} if you need the values later.
 * Per-goroutine state of a sink lives in {@link #attachment}, not in a table of the sink's own:
 * the correlator's table is the only goroutine table.
 *
 * <p>All {@code *Ns} times are CLOCK_MONOTONIC nanoseconds (the clock of
 * {@code bpf_ktime_get_ns}); converting them to epoch time is the exporter's job.
 */
public interface Goroutine {

  /** The process. */
  int pid();

  /** The goroutine id, unique for the life of a process. */
  long goid();

  /** The creating goroutine's id; 0 when created by the runtime. */
  long parentGoid();

  /**
   * Whether the parent's own creation was observed (false for goroutines whose parent existed
   * before goroscope attached, or runtime-created ones).
   */
  boolean parentTraced();

  /** The real start function (compiler wrappers unwrapped where possible), or "". */
  String startFunction();

  /** The raw start PC. */
  long startPc();

  /** Where the {@code go} statement is. */
  CodeLocation creationSite();

  /** Creation (monotonic ns); for goroutines found already running, when they were found. */
  long startNs();

  /** End (exit, process end), or -1 while the goroutine is alive. */
  long endNs();

  /**
   * The moment this view describes: {@link #endNs()} once ended, else when it was taken (the
   * stream time of the call; for a goroutine no longer watched, when watching stopped).
   */
  long asOfNs();

  /** The state at {@link #endNs()}, or now. */
  GoroutineState state();

  /** The wait reason at the end or now where known (deep or sampled mode), else "". */
  String waitReason();

  /** What happened to it, oldest first (bounded per kind; {@link #incomplete()} if cut). */
  List<GoroutineEvent> events();

  /** Further attributes some modes add (sampling interval, totals), possibly empty. */
  Attrs attributes();

  /**
   * Sampled mode: its stack at the last sample that read one, innermost frame first, the frames
   * Go's own dumps print; empty otherwise (running, or not sampled).
   */
  default List<CodeLocation> stack() {
    return List.of();
  }

  /** Set when this goroutine overran a context deadline, else null. */
  DeadlineOverrun deadlineOverrun();

  /** Alive longer than the leak threshold (and, in deep mode, parked the whole time). */
  boolean leakCandidate();

  /** Events for it may have been lost: what is here is true, some of it may be missing. */
  boolean incomplete();

  /** A sink's state for this goroutine, or null. */
  <T> T attachment(AttachmentKey<T> key);

  /** Stores a sink's state for this goroutine, kept as long as the goroutine is tracked. */
  <T> void setAttachment(AttachmentKey<T> key, T value);

  /**
   * A sink's state for another goroutine of the same process — its creator, a goroutine that
   * woke it — while that one is tracked or shortly after it ended; null otherwise (and always
   * for a standalone {@link GoroutineRecord}).
   */
  <T> T attachmentOf(long goid, AttachmentKey<T> key);

  /** True while the goroutine is alive: no end time yet. */
  default boolean isPartial() {
    return endNs() < 0;
  }

  default boolean hasDeadlineOverrun() {
    return deadlineOverrun() != null;
  }

  /** Deep mode: the park intervals among {@link #events()}, oldest first. */
  default List<ParkInterval> parks() {
    return ParkInterval.of(events());
  }

  /** The context events among {@link #events()}, oldest first. */
  default List<ContextEvent> contextEvents() {
    return ContextEvent.of(events());
  }

  /** An immutable copy of the current values (a record is its own copy). */
  default GoroutineRecord toRecord() {
    return GoroutineRecord.copyOf(this);
  }
}
