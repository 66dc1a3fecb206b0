package dev.goroscope.gobinary.stack;

import dev.goroscope.gobinary.pclntab.PcLnTable;
import dev.goroscope.gobinary.stack.PhysicalStack.Outcome;

/**
 * Walks a parked goroutine's stack from outside, as the Go runtime's own unwinder does on
 * amd64 ({@code runtime/traceback.go}: {@code initAt}, {@code resolveInternal}, {@code next}):
 * the frame of the function at {@code pc} spans {@code spDelta(pc)} bytes of the pcsp table
 * plus the return address the CALL pushed; the caller's PC is the word just below the frame's
 * top; a function flagged TOPFRAME ({@code goexit}) ends the stack, which must then end at the
 * goroutine's {@code stktopsp}; a function that writes SP (SPWRITE) ends a printed traceback
 * unless it is the innermost frame of a system call.
 *
 * <p>Works on copied memory ({@link StackWindow}) and run-time PCs: {@code loadBias} turns them
 * into the binary's addresses (non-zero for PIE). Per-PC work is cached, so unwinding many
 * goroutines parked at the same places costs a few table look-ups. Not thread-safe.
 */
public final class StackUnwinder {

  private static final int KNOWN = 0x80;
  private static final int TOP = 0x01;
  private static final int SPWRITE = 0x02;
  private static final int NO_FRAME = 0x04;
  private static final int INJECTED = 0x08;
  private static final int CGOCALLBACK = 0x10;
  private static final long UNKNOWN_PC = Long.MIN_VALUE + 1;

  private final PcLnTable table;
  private final long bias;
  private final byte[] funcInfo;
  private final LongLongCache pcInfo = new LongLongCache(1 << 14);

  public StackUnwinder(PcLnTable table, long loadBias) {
    this.table = table;
    this.bias = loadBias;
    this.funcInfo = new byte[table.functionCount()];
  }

  /**
   * Unwinds into {@code out}.
   *
   * @param pc where the goroutine resumes ({@code g.sched.pc}, or {@code g.syscallpc})
   * @param sp its stack pointer there ({@code g.sched.sp}, or {@code g.syscallsp})
   * @param syscall true when {@code pc}/{@code sp} are the system-call pair (the innermost
   *     function may then write SP: the runtime ignores that flag there)
   * @param stackLo {@code g.stack.lo}: no frame lies below it
   * @param stackHi {@code g.stack.hi}: no frame lies at or above it
   * @param stktopsp {@code g.stktopsp}, where a complete walk ends; 0 when unknown
   * @param memory the copied stack from {@code sp} upwards
   * @param maxFrames physical frames to record at most
   */
  public void unwind(long pc, long sp, boolean syscall, long stackLo, long stackHi,
      long stktopsp, StackWindow memory, int maxFrames, PhysicalStack out) {
    out.clear();
    if (sp < stackLo || sp >= stackHi) {
      out.finish(Outcome.BROKEN, "sp outside the stack");
      return;
    }
    if (pc == 0) {
      // a nil function call: start in the caller's frame
      if (!memory.hasWord(sp)) {
        out.finish(Outcome.TRUNCATED, "stack not read");
        return;
      }
      pc = memory.word(sp);
      sp += 8;
    }
    boolean innermost = true;
    boolean trap = false;
    while (true) {
      long info = info(pc);
      if (info == UNKNOWN_PC) {
        out.finish(Outcome.BROKEN, String.format("unknown pc 0x%x", pc));
        return;
      }
      int fn = (int) (info >>> 32);
      int delta = (int) info;
      int flags = flags(fn);
      if ((flags & NO_FRAME) != 0) {
        out.add(pc, trap);
        out.finish(Outcome.STOPPED, "");
        return;
      }
      if (delta < 0) {
        out.finish(Outcome.BROKEN, String.format("no frame size at 0x%x", pc));
        return;
      }
      int flag = flags;
      if ((flags & CGOCALLBACK) != 0 || (innermost && syscall)) {
        flag &= ~SPWRITE;
      }
      long fp = sp + delta + 8;
      if (fp > stackHi) {
        out.finish(Outcome.BROKEN, "frame leaves the stack");
        return;
      }
      out.add(pc, trap);
      if ((flag & TOP) != 0) {
        if (stktopsp != 0 && sp != stktopsp) {
          out.finish(Outcome.BROKEN, "walk did not end at stktopsp");
        } else {
          out.finish(Outcome.COMPLETE, "");
        }
        return;
      }
      if ((flag & SPWRITE) != 0) {
        out.finish(Outcome.STOPPED, "");
        return;
      }
      if (out.size() >= maxFrames) {
        out.finish(Outcome.TRUNCATED, "frame limit");
        return;
      }
      long lrAt = fp - 8;
      if (!memory.hasWord(lrAt)) {
        out.finish(Outcome.TRUNCATED, "stack copy too short");
        return;
      }
      long lr = memory.word(lrAt);
      if (lr == 0) {
        out.finish(Outcome.BROKEN, "zero return address");
        return;
      }
      if (lr == pc && fp == sp) {
        out.finish(Outcome.BROKEN, "traceback stuck");
        return;
      }
      trap = (flags & INJECTED) != 0;
      pc = lr;
      sp = fp;
      innermost = false;
    }
  }

  /** (function index << 32 | spDelta) of a run-time PC, or UNKNOWN_PC. */
  private long info(long pc) {
    long v = pcInfo.get(pc, Long.MIN_VALUE);
    if (v != Long.MIN_VALUE) {
      return v;
    }
    int fn = table.funcIndex(pc - bias);
    if (fn < 0) {
      v = UNKNOWN_PC;
    } else {
      int delta = table.hasFrameTable(fn) ? table.spDelta(fn, pc - bias) : 0;
      v = ((long) fn << 32) | (delta == PcLnTable.NO_SP_DELTA ? 0xffffffffL : delta & 0xffffffffL);
    }
    pcInfo.put(pc, v);
    return v;
  }

  private int flags(int fn) {
    int f = funcInfo[fn] & 0xff;
    if (f == 0) {
      int flag = table.funcFlag(fn);
      f = KNOWN;
      if ((flag & PcLnTable.FUNC_FLAG_TOP_FRAME) != 0) {
        f |= TOP;
      }
      if ((flag & PcLnTable.FUNC_FLAG_SP_WRITE) != 0) {
        f |= SPWRITE;
      }
      if (!table.hasFrameTable(fn)) {
        f |= NO_FRAME;
      }
      String name = table.name(fn);
      if (name.equals("runtime.sigpanic") || name.equals("runtime.asyncPreempt")
          || name.startsWith("runtime.debugCallV")) {
        f |= INJECTED;
      }
      if (name.equals("runtime.cgocallback")) {
        f |= CGOCALLBACK;
      }
      funcInfo[fn] = (byte) f;
    }
    return f;
  }
}
