package dev.goroscope.attach;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * The one-line live status on stderr ({@code \r}-rewritten), shown only when stderr is a
 * terminal so logs and pipes stay clean.
 */
final class StatusLine {

  private final PrintWriter err;
  private final boolean enabled;
  private int lastLength;

  StatusLine(PrintWriter err, boolean enabled) {
    this.err = err;
    this.enabled = enabled;
  }

  /** Whether stderr is an interactive terminal (the JVM's own console check). */
  static boolean stderrIsTerminal() {
    return System.console() != null && System.getenv("TERM") != null
        && !"dumb".equals(System.getenv("TERM"));
  }

  void show(double eventsPerSecond, long liveGoroutines, long spansExported, long drops) {
    if (!enabled) {
      return;
    }
    String line =
        String.format(
            Locale.ROOT,
            "goroscope: %.0f events/s, %d live goroutines, %d spans exported, %d dropped",
            eventsPerSecond, liveGoroutines, spansExported, drops);
    err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
    err.flush();
    lastLength = line.length();
  }

  /** Sampled mode's status: samples per second instead of events. */
  void showSampled(double samplesPerSecond, long liveGoroutines, long spansExported, long drops,
      boolean bursting) {
    if (!enabled) {
      return;
    }
    String line = String.format(Locale.ROOT,
        "goroscope: %.1f samples/s%s, %d live goroutines, %d spans exported, %d dropped",
        samplesPerSecond, bursting ? " (precise burst)" : "", liveGoroutines, spansExported,
        drops);
    err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
    err.flush();
    lastLength = line.length();
  }

  /** Clears the line before other output. */
  void clear() {
    if (enabled && lastLength > 0) {
      err.print("\r" + " ".repeat(lastLength) + "\r");
      err.flush();
      lastLength = 0;
    }
  }
}
