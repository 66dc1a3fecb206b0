package dev.goroscope.sample;

import dev.goroscope.process.ReadBatch;
import java.nio.ByteBuffer;

/**
 * The g structs of one chunk of {@code runtime.allgs}, decoded into parallel arrays (no object
 * per goroutine while reading). Reused chunk after chunk.
 */
final class GHeaders {

  /** Go's _Gscan bit, set while the GC scans a stack. */
  static final int SCAN_BIT = 0x1000;

  int size;
  /** Index in runtime.allgs. */
  int[] idx;
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
  int[] trackingSeq;

  GHeaders(int capacity) {
    idx = new int[capacity];
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
    trackingSeq = new int[capacity];
  }

  int capacity() {
    return gp.length;
  }

  /** Decodes entry {@code i} from request {@code q} of {@code b} (which covers the window). */
  void decode(int i, ReadBatch b, int q, GLayout l) {
    if (!b.ok(q) || b.length(q) < l.window) {
      ok[i] = false;
      return;
    }
    ok[i] = true;
    // one bounds check for the window, then plain reads
    ByteBuffer buf = b.buffer();
    int o = b.offset(q);
    goid[i] = buf.getLong(o + l.goid);
    status[i] = buf.getInt(o + l.status);
    gopc[i] = buf.getLong(o + l.gopc);
    startpc[i] = buf.getLong(o + l.startpc);
    parentGoid[i] = l.parentGoid >= 0 ? buf.getLong(o + l.parentGoid) : 0;
    waitReason[i] = l.waitReason >= 0 ? buf.get(o + l.waitReason) & 0xff : 0;
    waitSince[i] = l.waitSince >= 0 ? buf.getLong(o + l.waitSince) : 0;
    lockedm[i] = l.lockedm >= 0 ? buf.getLong(o + l.lockedm) : 0;
    waiting[i] = l.waiting >= 0 ? buf.getLong(o + l.waiting) : 0;
    trackingSeq[i] = l.trackingSeq >= 0 ? buf.get(o + l.trackingSeq) & 0xff : -1;
    if (l.stacks) {
      stackLo[i] = buf.getLong(o + l.stackLo);
      stackHi[i] = buf.getLong(o + l.stackHi);
      sp[i] = buf.getLong(o + l.schedSp);
      pc[i] = buf.getLong(o + l.schedPc);
      syscallSp[i] = buf.getLong(o + l.syscallSp);
      syscallPc[i] = buf.getLong(o + l.syscallPc);
      stktopsp[i] = buf.getLong(o + l.stktopsp);
    }
  }

  /** The state without the GC-scan bit. */
  int state(int i) {
    return status[i] & ~SCAN_BIT;
  }
}
