package dev.goroscope.gobinary.stack;

import java.util.Objects;

/**
 * One frame of a goroutine's stack as Go's traceback prints it: a function with the file and
 * line being executed, either a real (physical) frame or a call inlined into one.
 *
 * @param function the function name as the binary's table spells it (generic instantiations
 *     keep their shape, e.g. {@code main.F[go.shape.int]}; see {@link GoTraceback#printName})
 * @param file the source file
 * @param line the line in {@code file}
 * @param pc the run-time PC of the physical frame: a return address, or where the goroutine
 *     resumes for its innermost frame (the same for all calls inlined into one physical frame)
 * @param entry the run-time entry address of the physical frame's function; Go prints {@code
 *     +0x(pc - entry)} after physical frames
 * @param inlined true for a call the compiler inlined (Go prints its arguments as {@code ...})
 * @param funcId the function's {@code abi.FuncID} in this binary's Go version
 */
public record StackFrame(String function, String file, int line, long pc, long entry,
    boolean inlined, int funcId) {

  public StackFrame {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(file, "file");
  }

  /** The {@code +0x…} offset Go prints after a physical frame; 0 when it prints none. */
  public long offset() {
    return !inlined && pc > entry ? pc - entry : 0;
  }
}
