package dev.goroscope.bpf.internal;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

/**
 * Captures libbpf's log instead of letting it print to stderr: each libbpf call made through
 * {@link BpfCalls} starts a fresh per-thread capture, and a failure attaches what libbpf said
 * (e.g. the verifier log) to its {@link dev.goroscope.bpf.BpfException#details()}. With
 * {@link #setEcho(boolean)} warnings are also written to stderr (for --debug).
 */
public final class LibbpfLog {
  private static final int LEVEL_DEBUG = 2;
  private static final int MAX_CHARS = 64 * 1024;
  private static final ThreadLocal<StringBuilder> CAPTURE =
      ThreadLocal.withInitial(StringBuilder::new);
  private static final ThreadLocal<Memory> LINE = ThreadLocal.withInitial(() -> new Memory(4096));
  private static volatile boolean echo;
  // strong reference: the native side keeps only the function pointer
  private static final LibBpf.PrintFn PRINT = LibbpfLog::print;

  private LibbpfLog() {}

  static void install(LibBpf lib) {
    lib.libbpf_set_print(PRINT);
  }

  /** Also write libbpf warnings and info to stderr. */
  public static void setEcho(boolean on) {
    echo = on;
  }

  static void begin() {
    CAPTURE.get().setLength(0);
  }

  static String take() {
    StringBuilder sb = CAPTURE.get();
    String s = sb.toString().strip();
    sb.setLength(0);
    return s;
  }

  private static int print(int level, String format, Pointer vaList) {
    if (level >= LEVEL_DEBUG) {
      return 0;
    }
    Memory line = LINE.get();
    int n = LibC.INSTANCE.vsnprintf(line, line.size(), format, vaList);
    if (n <= 0) {
      return 0;
    }
    String text = line.getString(0);
    StringBuilder sb = CAPTURE.get();
    if (sb.length() + text.length() <= MAX_CHARS) {
      sb.append(text);
    }
    if (echo) {
      System.err.print("libbpf: " + text);
    }
    return 0;
  }
}
