package dev.goroscope.sample;

import dev.goroscope.GoroscopeException;
import dev.goroscope.gobinary.offsets.OffsetKeys;
import java.util.Map;

/**
 * Where the fields the sampler reads sit in {@code runtime.g}, from a binary's struct offsets.
 * Fields a version lacks ({@code parentGoid} before Go 1.21) are -1; {@link #window} is how
 * many bytes of each g one read must cover.
 */
final class GLayout {

  final int goid;
  final int status;
  final int waitReason;
  final int waitSince;
  final int gopc;
  final int startpc;
  final int parentGoid;
  final int lockedm;
  final int stackLo;
  final int stackHi;
  final int schedSp;
  final int schedPc;
  final int syscallSp;
  final int syscallPc;
  final int stktopsp;
  final int waiting;
  /** {@code g.trackingSeq} (u8), or -1: with it a parked g's stack can be kept between samples. */
  final int trackingSeq;
  final boolean stacks;
  /** Bytes of each g to read: the highest field read plus its size. */
  final int window;
  /** The part re-read to check that a g did not change while it was read. */
  final int checkFrom;
  final int checkTo;

  private GLayout(Map<String, Long> o, boolean stacks, String what) {
    this.stacks = stacks;
    goid = required(o, OffsetKeys.G_GOID, what);
    status = required(o, OffsetKeys.G_ATOMICSTATUS, what);
    gopc = required(o, OffsetKeys.G_GOPC, what);
    startpc = required(o, OffsetKeys.G_STARTPC, what);
    parentGoid = optional(o, OffsetKeys.G_PARENT_GOID);
    waitReason = optional(o, OffsetKeys.G_WAITREASON);
    waitSince = optional(o, OffsetKeys.G_WAITSINCE);
    lockedm = optional(o, OffsetKeys.G_LOCKEDM);
    waiting = optional(o, OffsetKeys.G_WAITING);
    trackingSeq = optional(o, OffsetKeys.G_TRACKING_SEQ);
    if (stacks) {
      stackLo = required(o, OffsetKeys.G_STACK_LO, what);
      stackHi = required(o, OffsetKeys.G_STACK_HI, what);
      schedSp = required(o, OffsetKeys.G_SCHED_SP, what);
      schedPc = required(o, OffsetKeys.G_SCHED_PC, what);
      syscallSp = required(o, OffsetKeys.G_SYSCALLSP, what);
      syscallPc = required(o, OffsetKeys.G_SYSCALLPC, what);
      stktopsp = required(o, OffsetKeys.G_STKTOPSP, what);
    } else {
      stackLo = stackHi = schedSp = schedPc = syscallSp = syscallPc = stktopsp = -1;
    }
    int max = 0;
    int min = Integer.MAX_VALUE;
    for (int off : new int[] {goid, status, gopc, startpc, parentGoid, waitReason, waitSince,
        lockedm, waiting, trackingSeq, stackLo, stackHi, schedSp, schedPc, syscallSp, syscallPc,
        stktopsp}) {
      max = Math.max(max, off + 8);
    }
    window = max;
    for (int off : new int[] {status, goid, schedSp, schedPc, syscallSp, syscallPc, waiting}) {
      if (off >= 0) {
        min = Math.min(min, off);
      }
    }
    int to = 0;
    for (int off : new int[] {status, goid, schedSp, schedPc, syscallSp, syscallPc, waiting}) {
      to = Math.max(to, off + 8);
    }
    checkFrom = min;
    checkTo = to;
  }

  /** The header fields only (goid, status, creation PCs …): what the attach snapshot needs. */
  static GLayout headers(Map<String, Long> offsets) {
    return new GLayout(offsets, false, "read goroutines");
  }

  /** Everything stacks need too. */
  static GLayout full(Map<String, Long> offsets) {
    return new GLayout(offsets, true, "sample goroutine stacks");
  }

  private static int required(Map<String, Long> o, String key, String what) {
    Long v = o.get(key);
    if (v == null) {
      throw new GoroscopeException("cannot " + what + ": struct offset " + key
          + " is in neither the binary's DWARF nor the built-in table (rebuild the target"
          + " without -ldflags=-w so its DWARF describes it)");
    }
    if (v < 0 || v > 4096) {
      throw new GoroscopeException("struct offset " + key + " = " + v + " is implausible");
    }
    return v.intValue();
  }

  private static int optional(Map<String, Long> o, String key) {
    Long v = o.get(key);
    return v == null || v < 0 || v > 4096 ? -1 : v.intValue();
  }
}
