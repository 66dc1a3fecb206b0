package dev.goroscope.otel.report;

import java.util.List;

/**
 * What the report keeps of one goroutine: the latest of its JSON lines, reduced to what the
 * views draw (a line carries the goroutine's whole story so far, so the latest replaces the
 * earlier ones; a finished line is never replaced by a partial one).
 */
final class ReportGoroutine {
  static final long NONE = Long.MIN_VALUE;

  static final int PARTIAL = 1;
  static final int OVERRUN = 2;
  static final int LEAK = 4;
  static final int INCOMPLETE = 8;
  static final int PROCESS_EXITED = 16;
  static final int PARENT_TRACED = 32;

  final ReportProcess process;
  final long goid;
  long parentGoid;
  int flags;
  String startFunction = "";
  String siteFunction = "";
  String siteFile = "";
  int siteLine;
  long startNs;
  long endNs = NONE;
  String state = "";
  String waitReason = "";
  Overrun overrun;
  /** Deep-mode park intervals (start, end or {@link #NONE}, waker or -1), reasons beside. */
  long[] parks = EMPTY;
  String[] parkReasons = NO_STRINGS;
  List<Event> events = List.of();
  /** The channel or lock it waits on, when the line says (sampled mode), else empty. */
  String waitsOn = "";
  /** Sampled stack, outermost frame first; empty when not sampled. */
  List<String> stack = List.of();

  static final long[] EMPTY = new long[0];
  static final String[] NO_STRINGS = new String[0];

  ReportGoroutine(ReportProcess process, long goid) {
    this.process = process;
    this.goid = goid;
  }

  boolean has(int flag) {
    return (flags & flag) != 0;
  }

  boolean finished() {
    return endNs != NONE;
  }

  /** The context deadline it outlived. */
  record Overrun(String ctx, long contextCreatorGoid, long deadlineFiredNs, long overrunNs) {}

  /**
   * One entry of the goroutine's event list: a name, a time, a duration (or -1 for an instant)
   * and the remaining attributes as compact JSON (or empty).
   */
  record Event(String name, long ns, long durationNs, String attributes) {}
}
