package dev.goroscope.event;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Why the world was stopped, by the runtime's own numbering: {@code runtime.stwReason} and its
 * strings (runtime/proc.go, the same from Go 1.21 through 1.27). Before 1.21 the runtime had
 * only the string it put in {@code m.preemptoff} (none for GC sweep termination, {@code gcing}
 * for mark termination); those are mapped to the same codes.
 */
public final class StwReasons {

  /** {@code stwUnknown}. */
  public static final int UNKNOWN = 0;
  /** {@code stwGCMarkTerm}. */
  public static final int GC_MARK_TERMINATION = 1;
  /** {@code stwGCSweepTerm}. */
  public static final int GC_SWEEP_TERMINATION = 2;
  /** {@code stwReadMemStats}. */
  public static final int READ_MEM_STATS = 7;
  /** {@code stwGOMAXPROCS}. */
  public static final int GOMAXPROCS = 9;

  private static final List<String> NAMES = List.of(
      "unknown",
      "GC mark termination",
      "GC sweep termination",
      "write heap dump",
      "goroutine profile",
      "goroutine profile cleanup",
      "all goroutines stack trace",
      "read mem stats",
      "AllThreadsSyscall",
      "GOMAXPROCS",
      "start trace",
      "stop trace",
      "CountPagesInUse (test)",
      "ReadMetricsSlow (test)",
      "ReadMemStatsSlow (test)",
      "PageCachePagesLeaked (test)",
      "ResetDebugLog (test)");

  /** m.preemptoff strings of Go 1.19 and 1.20's stopTheWorld callers → stwReason. */
  private static final Map<String, Integer> BEFORE_1_21 = Map.ofEntries(
      Map.entry("", GC_SWEEP_TERMINATION),
      Map.entry("gcing", GC_MARK_TERMINATION),
      Map.entry("write heap dump", 3),
      Map.entry("profile", 4),
      Map.entry("profile cleanup", 5),
      Map.entry("stack trace", 6),
      Map.entry("read mem stats", READ_MEM_STATS),
      Map.entry("doAllThreadsSyscall", 8),
      Map.entry("GOMAXPROCS", GOMAXPROCS),
      Map.entry("start tracing", 10),
      Map.entry("stop tracing", 11),
      Map.entry("CountPagesInUse", 12),
      Map.entry("ReadMetricsSlow", 13),
      Map.entry("ReadMemStatsSlow", 14),
      Map.entry("PageCachePagesLeaked", 15));

  private StwReasons() {}

  /** The runtime's string for a stwReason, e.g. {@code GC mark termination}. */
  public static String name(int code) {
    return code >= 0 && code < NAMES.size() ? NAMES.get(code)
        : String.format(Locale.ROOT, "stwReason %d", code);
  }

  /** The stwReason of a Go 1.19/1.20 m.preemptoff string; {@link #UNKNOWN} when not known. */
  public static int fromPreemptoff(String text) {
    return BEFORE_1_21.getOrDefault(text, UNKNOWN);
  }

  /** Whether the pause belongs to a GC cycle ({@code stwReason.isGC}). */
  public static boolean isGc(int code) {
    return code == GC_MARK_TERMINATION || code == GC_SWEEP_TERMINATION;
  }
}
