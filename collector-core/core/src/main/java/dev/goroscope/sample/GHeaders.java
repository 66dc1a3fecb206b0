package dev.goroscope.sample;

import dev.goroscope.process.ReadBatch;

/**
 * The g structs of one chunk of {@code runtime.allgs}, decoded into parallel arrays (no object
 * per goroutine while reading). Reused chunk after chunk.
 */
final class GHeaders {

  /** Go's _Gscan bit, set while the GC scans a stack. */
  static final int SCAN_BIT = 0x1000;

  int size;
  long[] gp;
  boolean[] ok;
  long[] goid;
  int[] status;
  int[] waitReason;
  long[] waitSince;
  long[] gopc;
  long[] startpc;
  long[] parentGoid;
  long[] lockedm;
  long[] stackLo;
  long[] stackHi;
  long[] sp;
  long[] pc;
  long[] syscallSp;
  long[] syscallPc;
  long[] stktopsp;
  long[] waiting;

  GHeaders(int capacity) {
    gp = new long[capacity];
    ok = new boolean[capacity];
    goid = new long[capacity];
    status = new int[capacity];
    waitReason = new int[capacity];
    waitSince = new long[capacity];
    gopc = new long[capacity];
    startpc = new long[capacity];
    parentGoid = new long[capacity];
    lockedm = new long[capacity];
    stackLo = new long[capacity];
    stackHi = new long[capacity];
    sp = new long[capacity];
    pc = new long[capacity];
    syscallSp = new long[capacity];
    syscallPc = new long[capacity];
    stktopsp = new long[capacity];
    waiting = new long[capacity];
  }

  int capacity() {
    return gp.length;
  }

  /** Decodes entry {@code i} from request {@code q} of {@code b} (which covers the window). */
  void decode(int i, ReadBatch b, int q, GLayout l) {
    if (!b.ok(q)) {
      ok[i] = false;
      return;
    }
    ok[i] = true;
    goid[i] = b.u64(q, l.goid);
    status[i] = b.u32(q, l.status);
    gopc[i] = b.u64(q, l.gopc);
    startpc[i] = b.u64(q, l.startpc);
    parentGoid[i] = l.parentGoid >= 0 ? b.u64(q, l.parentGoid) : 0;
    waitReason[i] = l.waitReason >= 0 ? b.u8(q, l.waitReason) : 0;
    waitSince[i] = l.waitSince >= 0 ? b.u64(q, l.waitSince) : 0;
    lockedm[i] = l.lockedm >= 0 ? b.u64(q, l.lockedm) : 0;
    waiting[i] = l.waiting >= 0 ? b.u64(q, l.waiting) : 0;
    if (l.stacks) {
      stackLo[i] = b.u64(q, l.stackLo);
      stackHi[i] = b.u64(q, l.stackHi);
      sp[i] = b.u64(q, l.schedSp);
      pc[i] = b.u64(q, l.schedPc);
      syscallSp[i] = b.u64(q, l.syscallSp);
      syscallPc[i] = b.u64(q, l.syscallPc);
      stktopsp[i] = b.u64(q, l.stktopsp);
    }
  }

  /** The state without the GC-scan bit. */
  int state(int i) {
    return status[i] & ~SCAN_BIT;
  }
}
