package dev.goroscope.correlate;

import dev.goroscope.event.CancelReason;
import dev.goroscope.event.ContextCancelled;
import dev.goroscope.event.ContextDeadlineSet;
import dev.goroscope.event.EventsLost;
import dev.goroscope.event.GoroutineCreated;
import dev.goroscope.event.GoroutineExited;
import dev.goroscope.event.GoroutineParked;
import dev.goroscope.event.GoroutineReadied;

/** Short factories for synthetic events of one process; times are in milliseconds. */
final class Events {
  static final long MS = 1_000_000L;
  static final long CREATION_PC = 0x4a1000;
  static final long START_PC = 0x4b2000;
  /** Go 1.26 codes, as the fake symbolizer names them. */
  static final int CHAN_RECEIVE = 19;
  static final int CHAN_SEND = 20;

  final int pid;
  int cpu;

  Events(int pid) {
    this.pid = pid;
  }

  /** Events as observed on another CPU. */
  Events onCpu(int cpu) {
    this.cpu = cpu;
    return this;
  }

  GoroutineCreated created(double ms, long goid, long parent) {
    return created(ms, goid, parent, CREATION_PC, START_PC);
  }

  GoroutineCreated created(double ms, long goid, long parent, long creationPc, long startPc) {
    return new GoroutineCreated(ns(ms), pid, 1000 + cpu, cpu, goid, parent, creationPc, startPc);
  }

  GoroutineExited exited(double ms, long goid) {
    return new GoroutineExited(ns(ms), pid, 1000 + cpu, cpu, goid);
  }

  GoroutineParked parked(double ms, long goid, int reason) {
    return new GoroutineParked(ns(ms), pid, 1000 + cpu, cpu, goid, reason);
  }

  GoroutineReadied readied(double ms, long goid, long waker) {
    return new GoroutineReadied(ns(ms), pid, 1000 + cpu, cpu, goid, waker);
  }

  ContextDeadlineSet deadlineSet(double ms, long ctx, long goid, long deadlineUnixNs) {
    return new ContextDeadlineSet(ns(ms), pid, 1000 + cpu, cpu, ctx, 0, deadlineUnixNs, goid);
  }

  ContextCancelled cancelled(double ms, long ctx, long goid, CancelReason reason) {
    return new ContextCancelled(ns(ms), pid, 1000 + cpu, cpu, ctx, goid, reason);
  }

  EventsLost lost(double ms, long count) {
    return new EventsLost(ns(ms), pid, 0, -1, count);
  }

  static long ns(double ms) {
    return Math.round(ms * MS);
  }
}
