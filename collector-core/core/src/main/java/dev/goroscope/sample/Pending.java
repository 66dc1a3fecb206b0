package dev.goroscope.sample;

import java.util.ArrayList;
import java.util.List;

/** A goroutine accepted into the sample being built (mutable until the sample is made). */
final class Pending {

  final long gp;
  final long goid;
  final int status;
  final int waitReason;
  final long waitSince;
  final long gopc;
  final long startpc;
  final long parentGoid;
  final long lockedm;
  final long waiting;
  final GoroutineStack stack;
  List<ChannelWait> channels = List.of();
  /** Sudogs of its channel waits, in g.waiting order, and their channels (parallel). */
  List<long[]> sudogs;
  long semaphore;

  Pending(GHeaders h, int i, GoroutineStack stack) {
    this.gp = h.gp[i];
    this.goid = h.goid[i];
    this.status = h.status[i];
    this.waitReason = h.waitReason[i];
    this.waitSince = h.waitSince[i];
    this.gopc = h.gopc[i];
    this.startpc = h.startpc[i];
    this.parentGoid = h.parentGoid[i];
    this.lockedm = h.lockedm[i];
    this.waiting = h.waiting[i];
    this.stack = stack;
  }

  GoroutineStatus state() {
    return GoroutineStatus.of(status);
  }

  void addSudog(long sudog, long channel) {
    if (sudogs == null) {
      sudogs = new ArrayList<>(2);
    }
    sudogs.add(new long[] {sudog, channel});
  }
}
