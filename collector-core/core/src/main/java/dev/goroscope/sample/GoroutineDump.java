package dev.goroscope.sample;

import dev.goroscope.gobinary.stack.GoTraceback;
import dev.goroscope.gobinary.stack.StackFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Writes a sample in the text layout of Go's own goroutine dumps ({@code runtime.Stack(buf,
 * true)}, {@code pprof goroutine?debug=2}), so people and tools that read those read this:
 *
 * <pre>
 * goroutine 7 [chan receive, 3 minutes]:
 * main.worker(...)
 * 	/src/main.go:12 +0x45
 * created by main.main in goroutine 1
 * 	/src/main.go:30 +0x85
 * </pre>
 *
 * Header as {@code goroutineheader} (status or wait reason, {@code (scan)}, minutes blocked
 * from {@code waitsince}, {@code locked to thread}); frames as {@code traceback2} with the
 * version's rules ({@link GoTraceback}); {@code created by} as {@code printcreatedby}. Every
 * argument list prints as {@code (...)}: argument values are not read. Goroutines appear by
 * ascending goid, separated by a blank line; running goroutines print Go's {@code goroutine
 * running on other thread; stack unavailable}.
 */
public final class GoroutineDump {

  private final GoTraceback rules;
  private final boolean system;

  /**
   * @param rules the Go version's traceback rules
   * @param system as GOTRACEBACK=system: runtime goroutines and runtime frames too
   */
  public GoroutineDump(GoTraceback rules, boolean system) {
    this.rules = rules;
    this.system = system;
  }

  /** True when runtime goroutines and frames are shown (GOTRACEBACK=system). */
  public boolean system() {
    return system;
  }

  /** The goroutines Go's dump would list (system goroutines only with {@code system}). */
  public boolean lists(GoroutineSample g) {
    return system || !g.system();
  }

  /** The whole dump. */
  public String format(ProcessSample sample) {
    StringBuilder sb = new StringBuilder();
    write(sample, sb);
    return sb.toString();
  }

  public void write(ProcessSample sample, Appendable out) {
    try {
      boolean first = true;
      for (GoroutineSample g : sample.goroutines()) {
        if (!lists(g)) {
          continue;
        }
        if (!first) {
          out.append('\n');
        }
        first = false;
        out.append(block(g, sample.timestampNs()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One goroutine's block: header, frames, creator, each line ending in a newline. */
  public String block(GoroutineSample g, long nowNs) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(header(g, nowNs)).append('\n');
    if (g.stack() == null) {
      if (g.status() == GoroutineStatus.RUNNING) {
        sb.append("\tgoroutine running on other thread; stack unavailable\n");
      } else {
        sb.append("\tstack not read\n");
      }
    } else {
      List<StackFrame> frames = system ? g.stack().frames() : rules.visible(g.stack().frames());
      GoTraceback.Elision e = rules.elision(frames.size(), g.stack().complete());
      for (int i = 0; i < e.head(); i++) {
        frame(sb, frames.get(i));
      }
      if (e.line() != null) {
        sb.append(e.line()).append('\n');
      }
      for (int i = e.tailFrom(); i < frames.size(); i++) {
        frame(sb, frames.get(i));
      }
      if (g.stack().truncated() && e.line() == null) {
        sb.append("...additional frames elided...\n");
      }
    }
    createdBy(sb, g);
    return sb.toString();
  }

  /** {@code goroutine 7 [chan receive, 3 minutes, locked to thread]:} */
  public String header(GoroutineSample g, long nowNs) {
    StringBuilder sb = new StringBuilder(48);
    sb.append("goroutine ").append(g.goid()).append(" [");
    GoroutineStatus st = g.status();
    boolean waiting = st == GoroutineStatus.WAITING || st == GoroutineStatus.LEAKED;
    sb.append(waiting && !g.waitReason().isEmpty() ? g.waitReason() : st.text());
    if (st == GoroutineStatus.LEAKED) {
      sb.append(" (leaked)");
    }
    if (g.gcScanning()) {
      sb.append(" (scan)");
    }
    if ((st == GoroutineStatus.WAITING || st == GoroutineStatus.SYSCALL)
        && g.waitSinceNs() != 0) {
      long minutes = (nowNs - g.waitSinceNs()) / 60_000_000_000L;
      if (minutes >= 1) {
        sb.append(", ").append(minutes).append(" minutes");
      }
    }
    if (g.lockedToThread()) {
      sb.append(", locked to thread");
    }
    return sb.append("]:").toString();
  }

  private void frame(StringBuilder sb, StackFrame f) {
    sb.append(rules.printName(f.function())).append("(...)\n\t").append(f.file()).append(':')
        .append(f.line());
    if (f.offset() > 0) {
      sb.append(" +0x").append(Long.toHexString(f.offset()));
    }
    sb.append('\n');
  }

  private void createdBy(StringBuilder sb, GoroutineSample g) {
    StackFrame c = g.createdBy();
    if (c == null || g.goid() == 1 || !(system || rules.showCreator(c.function()))) {
      return;
    }
    sb.append("created by ").append(rules.printName(c.function()));
    if (rules.namesParentGoroutine() && g.parentGoid() != 0) {
      sb.append(" in goroutine ").append(g.parentGoid());
    }
    sb.append("\n\t").append(c.file()).append(':').append(c.line());
    if (c.offset() > 0) {
      sb.append(" +0x").append(Long.toHexString(c.offset()));
    }
    sb.append('\n');
  }
}
