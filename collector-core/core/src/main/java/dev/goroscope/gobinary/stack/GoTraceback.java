package dev.goroscope.gobinary.stack;

import java.util.ArrayList;
import java.util.List;

/**
 * What Go's own goroutine dumps ({@code runtime.Stack(buf, true)}, {@code pprof
 * goroutine?debug=2}, crash tracebacks) show of a stack, per Go version, following {@code
 * runtime/traceback.go}: which frames are printed ({@code showfuncinfo}: runtime internals and
 * elided wrappers are hidden unless nothing else would be printed), how function names print
 * (generic shapes as {@code [...]}, {@code runtime.gopanic} as {@code panic}), how many frames
 * (100; from Go 1.21 the first and last 50 around a {@code ...N frames elided...} line), which
 * goroutines are the runtime's own ({@code isSystemGoroutine}) and whether {@code created by}
 * names the parent goroutine (Go 1.21+).
 */
public final class GoTraceback {

  /** Frames printed before eliding (Go 1.21+: per end). */
  static final int INNER_FRAMES = 50;
  static final int OUTER_FRAMES = 50;
  static final int MAX_FRAMES_OLD = 100;

  private final int minor;
  private final int wrapperFuncId;

  private GoTraceback(int minor) {
    this.minor = minor;
    // abi.FuncIDWrapper is the enum's last value: 21 up to Go 1.22, 22 once FuncID_corostart
    // was added (1.23), 23 once runfinq became runFinalizers + runCleanups (1.25).
    this.wrapperFuncId = minor >= 25 ? 23 : minor >= 23 ? 22 : 21;
  }

  /** The rules of Go 1.{@code minor} (versions outside 1.19–1.27 get the nearest rules). */
  public static GoTraceback forGoMinor(int minor) {
    return new GoTraceback(minor);
  }

  public int goMinor() {
    return minor;
  }

  /** {@code abi.FuncIDWrapper} in this version's numbering. */
  public int wrapperFuncId() {
    return wrapperFuncId;
  }

  /**
   * The frames Go prints by default (GOTRACEBACK=single/all): {@code showfuncinfo} applied to
   * each frame with its callee, and every frame when that would print none.
   */
  public List<StackFrame> visible(List<StackFrame> frames) {
    List<StackFrame> out = new ArrayList<>(frames.size());
    StackFrame callee = null;
    for (StackFrame f : frames) {
      if (show(f, out.isEmpty(), callee)) {
        out.add(f);
      }
      callee = f;
    }
    return out.isEmpty() ? frames : out;
  }

  /** {@code showfuncinfo}: would Go print {@code f} (first printed frame or not, below callee)? */
  public boolean show(StackFrame f, boolean firstFrame, StackFrame callee) {
    if (f.funcId() == wrapperFuncId && elideWrapperCalling(callee)) {
      return false;
    }
    String name = f.function();
    if (minor >= 25 && (name.equals("runtime.runFinalizers")
        || name.equals("runtime.runCleanups"))) {
      return true;
    }
    if (name.equals("runtime.gopanic") && !firstFrame) {
      return true;
    }
    return name.indexOf('.') >= 0 && (!name.startsWith("runtime.") || isExportedRuntime(name));
  }

  /** Would Go print the {@code created by} line of a goroutine created in {@code function}? */
  public boolean showCreator(String function) {
    return show(new StackFrame(function, "", 0, 0, 0, false, 0), false, null);
  }

  /** True when {@code created by F} carries {@code in goroutine N} (Go 1.21+). */
  public boolean namesParentGoroutine() {
    return minor >= 21;
  }

  /**
   * {@code isSystemGoroutine}: a goroutine whose start function (the function at {@code
   * g.startpc}, before unwrapping) is in package runtime, except {@code runtime.main} and {@code
   * runtime.corostart}. The finalizer and cleanup goroutines count as system goroutines here
   * (Go shows them while they run user code, which is not visible from outside).
   */
  public boolean isSystemGoroutine(String startPcFunction) {
    if (startPcFunction.equals("runtime.main") || startPcFunction.equals("runtime.corostart")
        || startPcFunction.equals("runtime.handleAsyncEvent")) {
      return false;
    }
    return startPcFunction.startsWith("runtime.");
  }

  /**
   * A function name as Go prints it: {@code panic} for {@code runtime.gopanic}; from Go 1.21
   * the shape of a generic instantiation as {@code [...]} ({@code main.F[...]}; from 1.27 also
   * both of a generic method of a generic type).
   */
  public String printName(String name) {
    if (name.equals("runtime.gopanic")) {
      return "panic";
    }
    if (minor < 21) {
      return name;
    }
    int i = name.indexOf('[');
    if (i < 0) {
      return name;
    }
    int j = name.lastIndexOf(']');
    if (j <= i) {
      return name;
    }
    String interior = name.substring(i + 1, j);
    if (minor < 27 || interior.indexOf('[') < 0) {
      return name.substring(0, i) + "[...]" + name.substring(j + 1);
    }
    // Go 1.27: a generic method of a generic type, "T[...].M[...]"
    int depth = 1;
    int rbr = -1;
    int lbr = -1;
    for (int k = 0; k < interior.length(); k++) {
      char c = interior.charAt(k);
      if (c == '[') {
        depth++;
        if (depth != 1) {
          continue;
        }
        lbr = k;
        break;
      }
      if (c == ']') {
        depth--;
        if (depth < 0) {
          break;
        }
        if (depth == 0) {
          rbr = k;
        }
      }
    }
    if (depth == 1) {
      if (rbr >= 0 && lbr > rbr) {
        return name.substring(0, i) + "[...]" + interior.substring(rbr + 1, lbr) + "[...]"
            + name.substring(j + 1);
      }
      if (rbr == -1 && lbr == -1) {
        return name.substring(0, i) + "[...]" + name.substring(j + 1);
      }
    }
    return name;
  }

  /**
   * How Go limits a long stack: the printed frames are {@code frames[0, head)}, then an
   * elision line, then {@code frames[tailFrom, size)}; {@code tailFrom == head} when nothing is
   * elided.
   */
  public record Elision(int head, int tailFrom, String line) {}

  /** The elision of {@code n} printed frames ({@code complete}: the walk reached the top). */
  public Elision elision(int n, boolean complete) {
    if (minor >= 21) {
      if (n <= INNER_FRAMES + OUTER_FRAMES) {
        return new Elision(n, n, null);
      }
      int elided = n - INNER_FRAMES - OUTER_FRAMES;
      return new Elision(INNER_FRAMES, n - OUTER_FRAMES, "..." + elided + " frames elided...");
    }
    if (n < MAX_FRAMES_OLD) {
      return new Elision(n, n, null);
    }
    return new Elision(MAX_FRAMES_OLD, n, "...additional frames elided...");
  }

  private boolean isExportedRuntime(String name) {
    String rest = name.substring("runtime.".length());
    if (minor < 23) {
      return !rest.isEmpty() && rest.charAt(0) >= 'A' && rest.charAt(0) <= 'Z';
    }
    String rcvr = "";
    int i = rest.lastIndexOf('.');
    if (i >= 0) {
      rcvr = rest.substring(0, i);
      rest = rest.substring(i + 1);
      if (rcvr.length() >= 3 && rcvr.startsWith("(*") && rcvr.endsWith(")")) {
        rcvr = rcvr.substring(2, rcvr.length() - 1);
      }
    }
    return !rest.isEmpty() && rest.charAt(0) >= 'A' && rest.charAt(0) <= 'Z'
        && (rcvr.isEmpty() || (rcvr.charAt(0) >= 'A' && rcvr.charAt(0) <= 'Z'));
  }

  /** A wrapper is hidden unless it called a panic function instead of what it wraps. */
  private static boolean elideWrapperCalling(StackFrame callee) {
    if (callee == null) {
      return true;
    }
    String c = callee.function();
    return !(c.equals("runtime.gopanic") || c.equals("runtime.sigpanic")
        || c.equals("runtime.panicwrap"));
  }
}
