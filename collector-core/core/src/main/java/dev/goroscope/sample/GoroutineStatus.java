package dev.goroscope.sample;

/**
 * A goroutine's scheduling state, {@code g.atomicstatus} without the GC-scan bit ({@code
 * runtime/runtime2.go}). The numbering is the same from Go 1.19 to 1.27; 1.26 added {@code
 * _Gleaked} and {@code _Gdeadextra}.
 */
public enum GoroutineStatus {
  IDLE(0, "idle"),
  RUNNABLE(1, "runnable"),
  RUNNING(2, "running"),
  SYSCALL(3, "syscall"),
  WAITING(4, "waiting"),
  DEAD(6, "dead"),
  COPYSTACK(8, "copystack"),
  PREEMPTED(9, "preempted"),
  /** Go 1.26+: blocked forever, found by the GC's goroutine leak detector. */
  LEAKED(10, "leaked"),
  /** Go 1.26+: a dead g kept for cgo callbacks on an extra M. */
  DEAD_EXTRA(11, "waiting for cgo callback"),
  /** A value no Go version uses (a torn read would be dropped; kept for completeness). */
  UNKNOWN(-1, "???");

  private final int code;
  private final String text;

  GoroutineStatus(int code, String text) {
    this.code = code;
    this.text = text;
  }

  /** The runtime's number. */
  public int code() {
    return code;
  }

  /** The word Go's goroutine dumps print ({@code gStatusStrings}). */
  public String text() {
    return text;
  }

  private static final GoroutineStatus[] BY_CODE = new GoroutineStatus[16];

  static {
    java.util.Arrays.fill(BY_CODE, UNKNOWN);
    for (GoroutineStatus v : values()) {
      if (v.code >= 0) {
        BY_CODE[v.code] = v;
      }
    }
  }

  /** The state for {@code g.atomicstatus} (the scan bit is ignored). */
  public static GoroutineStatus of(int atomicstatus) {
    int s = atomicstatus & ~GHeaders.SCAN_BIT;
    return s >= 0 && s < BY_CODE.length ? BY_CODE[s] : UNKNOWN;
  }

  /** True for states that hold a parked stack the sampler can unwind. */
  boolean hasParkedStack() {
    return this == RUNNABLE || this == SYSCALL || this == WAITING || this == PREEMPTED
        || this == LEAKED;
  }
}
