package dev.goroscope.sample;

import dev.goroscope.gobinary.stack.StackFrame;
import java.util.Arrays;

/**
 * What the sampler learnt about each g, by its index in {@code runtime.allgs} (the runtime
 * only appends to allgs, so an index keeps its g): the fields that say where it is parked, and
 * what was read and checked from there — its stack, its channel sudogs and their queues, its
 * semaphore — plus its creation site and start function. A g whose goid, state, resume point
 * (SP and PC, or the system-call pair), stack bounds, wait list and {@code trackingSeq} (bumped
 * on every transition out of running) are unchanged has not run since: what was read is still
 * true, and a periodic sampler reads only the goroutines that moved. Indexed arrays, so a
 * sample walks them in order (no hashing per goroutine).
 */
final class GTable {

  /** Entries kept at most (allgs indices beyond are not remembered). */
  static final int MAX = 1 << 22;

  long[] gp = new long[0];
  /** True when the fields below describe the g at this index as last checked. */
  boolean[] valid = new boolean[0];
  long[] goid = new long[0];
  int[] state = new int[0];
  int[] seq = new int[0];
  long[] sp = new long[0];
  long[] pc = new long[0];
  long[] syscallSp = new long[0];
  long[] syscallPc = new long[0];
  long[] lo = new long[0];
  long[] hi = new long[0];
  long[] top = new long[0];
  long[] waiting = new long[0];
  GoroutineStack[] stack = new GoroutineStack[0];
  /** Channel waits: sudog addresses, channel addresses, directions (null: none read). */
  long[][] sudogs = new long[0][];
  long[][] channels = new long[0][];
  byte[][] directions = new byte[0][];
  int[][] chanSlots = new int[0][];
  int[] chanVersion = new int[0];
  /** The channel waits and the whole sample last reported, handed out again when equal. */
  Object[] waits = new Object[0];
  GoroutineSample[] last = new GoroutineSample[0];
  /** Semaphore address; 0 when none; -1 when not looked for yet. */
  long[] semaphore = new long[0];
  /** Per goid: creation site and start function (valid while the goid is). */
  long[] namedGoid = new long[0];
  StackFrame[] createdBy = new StackFrame[0];
  String[] startFunction = new String[0];
  boolean[] system = new boolean[0];

  /** Makes room for indices {@code [0, n)} (up to {@link #MAX}). */
  void ensure(int n) {
    int cap = Math.min(n, MAX);
    if (cap <= gp.length) {
      return;
    }
    int c = Math.max(cap, Math.min(MAX, gp.length * 2));
    gp = Arrays.copyOf(gp, c);
    valid = Arrays.copyOf(valid, c);
    goid = Arrays.copyOf(goid, c);
    state = Arrays.copyOf(state, c);
    seq = Arrays.copyOf(seq, c);
    sp = Arrays.copyOf(sp, c);
    pc = Arrays.copyOf(pc, c);
    syscallSp = Arrays.copyOf(syscallSp, c);
    syscallPc = Arrays.copyOf(syscallPc, c);
    lo = Arrays.copyOf(lo, c);
    hi = Arrays.copyOf(hi, c);
    top = Arrays.copyOf(top, c);
    waiting = Arrays.copyOf(waiting, c);
    stack = Arrays.copyOf(stack, c);
    sudogs = Arrays.copyOf(sudogs, c);
    channels = Arrays.copyOf(channels, c);
    directions = Arrays.copyOf(directions, c);
    chanSlots = Arrays.copyOf(chanSlots, c);
    chanVersion = Arrays.copyOf(chanVersion, c);
    semaphore = Arrays.copyOf(semaphore, c);
    waits = Arrays.copyOf(waits, c);
    last = Arrays.copyOf(last, c);
    namedGoid = Arrays.copyOf(namedGoid, c);
    createdBy = Arrays.copyOf(createdBy, c);
    startFunction = Arrays.copyOf(startFunction, c);
    system = Arrays.copyOf(system, c);
  }

  boolean has(int idx) {
    return idx < gp.length;
  }

  /**
   * True when g {@code i} of {@code h} (allgs index {@code idx}) is parked exactly where it was
   * when last checked.
   */
  boolean unchanged(int idx, GHeaders h, int i) {
    return idx < gp.length && valid[idx] && gp[idx] == h.gp[i] && h.trackingSeq[i] >= 0
        && goid[idx] == h.goid[i] && state[idx] == h.state(i) && seq[idx] == h.trackingSeq[i]
        && sp[idx] == h.sp[i] && pc[idx] == h.pc[i] && syscallSp[idx] == h.syscallSp[i]
        && syscallPc[idx] == h.syscallPc[i] && lo[idx] == h.stackLo[i] && hi[idx] == h.stackHi[i]
        && top[idx] == h.stktopsp[i] && waiting[idx] == h.waiting[i];
  }

  /** Records g {@code i} of {@code h} as checked now, forgetting what was read before. */
  void reset(int idx, GHeaders h, int i, GoroutineStack st) {
    if (idx >= gp.length) {
      return;
    }
    gp[idx] = h.gp[i];
    valid[idx] = h.trackingSeq[i] >= 0;
    goid[idx] = h.goid[i];
    state[idx] = h.state(i);
    seq[idx] = h.trackingSeq[i];
    sp[idx] = h.sp[i];
    pc[idx] = h.pc[i];
    syscallSp[idx] = h.syscallSp[i];
    syscallPc[idx] = h.syscallPc[i];
    lo[idx] = h.stackLo[i];
    hi[idx] = h.stackHi[i];
    top[idx] = h.stktopsp[i];
    waiting[idx] = h.waiting[i];
    stack[idx] = st;
    sudogs[idx] = null;
    channels[idx] = null;
    directions[idx] = null;
    chanSlots[idx] = null;
    semaphore[idx] = -1;
    waits[idx] = null;
    last[idx] = null;
  }

  void invalidate(int idx) {
    if (idx < gp.length) {
      valid[idx] = false;
      last[idx] = null;
    }
  }

  /** True when entry {@code idx} describes the g at {@code gp} as checked. */
  boolean holds(int idx, long g) {
    return idx < gp.length && valid[idx] && gp[idx] == g;
  }
}
