package dev.goroscope.event;

import dev.goroscope.record.CodeLocation;
import java.util.function.Predicate;

/**
 * Picks a call site out of a mark's stack (return addresses, innermost first): the first source
 * frame a filter accepts, inlined frames included where the symbols expand them.
 */
public final class CallSites {

  private CallSites() {}

  /** The first frame of {@code stack} whose function {@code accept}s, or UNKNOWN. */
  public static CodeLocation first(long[] stack, MarkSymbols symbols, Predicate<String> accept) {
    for (long pc : stack) {
      if (pc == 0) {
        continue;
      }
      for (CodeLocation frame : symbols.frames(pc)) {
        if (frame.isKnown() && accept.test(frame.function())) {
          return frame;
        }
      }
    }
    return CodeLocation.UNKNOWN;
  }

  /**
   * The import path of a function's package: {@code main.worker} → {@code main},
   * {@code internal/poll.(*FD).Read} → {@code internal/poll},
   * {@code github.com/a/b.F[go.shape.int]} → {@code github.com/a/b}.
   */
  public static String packageOf(String function) {
    int slash = function.lastIndexOf('/', bracket(function));
    int dot = function.indexOf('.', slash + 1);
    return dot < 0 ? function : function.substring(0, dot);
  }

  /** Whether {@code function} is in package {@code pkg} or one of its subpackages. */
  public static boolean inPackage(String function, String pkg) {
    String p = packageOf(function);
    return p.equals(pkg) || p.startsWith(pkg + "/");
  }

  /**
   * Whether a frame names the system call a goroutine made: not the runtime, and not one of the
   * generic wrappers every call goes through ({@code syscall.Syscall6}, {@code RawSyscall},
   * {@code internal/runtime/syscall} …), so {@code syscall.read} or {@code syscall.Nanosleep}.
   */
  public static boolean namesSyscall(String function) {
    String pkg = packageOf(function);
    if (pkg.equals("runtime") || pkg.startsWith("runtime/") || pkg.startsWith("internal/runtime")) {
      return false;
    }
    String name = function.substring(Math.min(function.length(), pkg.length() + 1));
    return !(name.startsWith("Syscall") || name.startsWith("RawSyscall")
        || name.startsWith("rawSyscall") || name.startsWith("rawVforkSyscall")
        || name.startsWith("runtime_"));
  }

  /**
   * Package {@code main}, or a package path whose first element has a dot: the go command's
   * rule for what is not the standard library.
   */
  public static boolean looksLikeUserCode(String function) {
    String p = packageOf(function);
    if (p.equals("main")) {
      return true;
    }
    int slash = p.indexOf('/');
    String first = slash < 0 ? p : p.substring(0, slash);
    return first.indexOf('.') >= 0;
  }

  /** Where type parameters start (their dots and slashes are not the package's), or the end. */
  private static int bracket(String function) {
    int b = function.indexOf('[');
    return b < 0 ? function.length() : b;
  }
}
