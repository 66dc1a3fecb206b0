package dev.goroscope.gobinary.stack;

import dev.goroscope.gobinary.pclntab.PcLnTable;
import dev.goroscope.gobinary.pclntab.SourceFrame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns physical frames into the frames Go prints: each PC expanded into the calls inlined at
 * it (innermost first) and the function itself, with file and line. A frame's PC is a return
 * address, so its line is looked up at {@code pc - 1} (inside the CALL), except for an
 * interrupted frame or a PC at a function's entry ({@code runtime.unwinder.symPC}).
 *
 * <p>Results are cached per PC (bounded): goroutines parked at the same places cost one
 * look-up each. Not thread-safe.
 */
public final class StackSymbolizer {

  private static final int CACHE_LIMIT = 1 << 16;

  private final PcLnTable table;
  private final long bias;
  private final LongLongCache index = new LongLongCache(1 << 17);
  private final List<StackFrame[]> expansions = new ArrayList<>();

  public StackSymbolizer(PcLnTable table, long loadBias) {
    this.table = table;
    this.bias = loadBias;
  }

  /** The source frames of every physical frame of {@code stack}, innermost first. */
  public List<StackFrame> frames(PhysicalStack stack) {
    List<StackFrame> out = new ArrayList<>(stack.size() + 4);
    for (int i = 0; i < stack.size(); i++) {
      out.addAll(Arrays.asList(frames(stack.pc(i), stack.trap(i))));
    }
    return out;
  }

  /**
   * The source frames of one physical frame at run-time {@code pc}; {@code trap}: it was
   * interrupted rather than calling. Shared arrays: do not modify.
   */
  public StackFrame[] frames(long pc, boolean trap) {
    long key = trap ? pc ^ Long.MIN_VALUE : pc;
    long at = index.get(key, -1);
    if (at >= 0 && at < expansions.size()) {
      return expansions.get((int) at);
    }
    StackFrame[] frames = expand(pc, trap);
    if (expansions.size() >= CACHE_LIMIT) {
      expansions.clear();
      index.clearAll();
    }
    index.put(key, expansions.size());
    expansions.add(frames);
    return frames;
  }

  private StackFrame[] expand(long pc, boolean trap) {
    int fn = table.funcIndex(pc - bias);
    if (fn < 0) {
      return new StackFrame[] {new StackFrame("?", "?", 0, pc, pc, false, 0)};
    }
    long entry = table.entry(fn) + bias;
    long symPc = !trap && pc > entry ? pc - 1 : pc;
    List<SourceFrame> src = table.sourceFrames(fn, symPc - bias);
    StackFrame[] out = new StackFrame[src.size()];
    for (int i = 0; i < out.length; i++) {
      SourceFrame s = src.get(i);
      out[i] = new StackFrame(s.function(), s.file(), s.line(), pc, entry, s.inlined(),
          s.funcId());
    }
    return out;
  }
}
