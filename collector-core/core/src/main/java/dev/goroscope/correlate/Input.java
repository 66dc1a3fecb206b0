package dev.goroscope.correlate;

import dev.goroscope.event.AppSpan;
import dev.goroscope.event.ContextCancelled;
import dev.goroscope.event.ContextDeadlineSet;
import dev.goroscope.event.Event;
import dev.goroscope.event.EventVisitor;
import dev.goroscope.event.EventsLost;
import dev.goroscope.event.GoroutineCreated;
import dev.goroscope.event.GoroutineExited;
import dev.goroscope.event.GoroutineMark;
import dev.goroscope.event.GoroutineParked;
import dev.goroscope.event.GoroutineReadied;
import dev.goroscope.record.ProcessInfo;
import java.util.List;

/**
 * What the correlator orders by time besides kernel events: its own inputs (a process announced
 * or ended, goroutines found in memory). {@link #dispatch} calls the {@link Handler} method for
 * the kind, as {@link Event#accept} does for events, so nothing downstream tests types.
 */
abstract class Input {

  /**
   * Order at one nanosecond: a process starts, memory snapshots land, goroutines are born,
   * live, die, the process ends.
   */
  static final int RANK_PROCESS_START = 0;
  static final int RANK_FOUND = 1;
  static final int RANK_CREATED = 2;
  static final int RANK_OTHER = 3;
  static final int RANK_EXITED = 4;
  static final int RANK_PROCESS_END = 5;

  /** Receives each kind of input. */
  interface Handler extends EventVisitor {
    void processStarted(ProcessStart s);

    void processEnded(ProcessEnd e);

    void goroutinesFound(Found f);
  }

  final long timestampNs;

  Input(long timestampNs) {
    this.timestampNs = timestampNs;
  }

  abstract int rank();

  abstract void dispatch(Handler h);

  /** A traced process announced, with the names of its binary. */
  static final class ProcessStart extends Input {
    final ProcessInfo process;
    final Symbolizer symbolizer;
    final boolean deep;

    ProcessStart(long timestampNs, ProcessInfo process, Symbolizer symbolizer, boolean deep) {
      super(timestampNs);
      this.process = process;
      this.symbolizer = symbolizer;
      this.deep = deep;
    }

    @Override
    int rank() {
      return RANK_PROCESS_START;
    }

    @Override
    void dispatch(Handler h) {
      h.processStarted(this);
    }
  }

  /** A process ended. */
  static final class ProcessEnd extends Input {
    final int pid;

    ProcessEnd(long timestampNs, int pid) {
      super(timestampNs);
      this.pid = pid;
    }

    @Override
    int rank() {
      return RANK_PROCESS_END;
    }

    @Override
    void dispatch(Handler h) {
      h.processEnded(this);
    }
  }

  /** Goroutines read from a process's memory, alive at {@link #timestampNs}. */
  static final class Found extends Input {
    final int pid;
    final List<FoundGoroutine> goroutines;

    Found(long timestampNs, int pid, List<FoundGoroutine> goroutines) {
      super(timestampNs);
      this.pid = pid;
      this.goroutines = goroutines;
    }

    @Override
    int rank() {
      return RANK_FOUND;
    }

    @Override
    void dispatch(Handler h) {
      h.goroutinesFound(this);
    }
  }

  /** The rank of a kernel event (one instance per correlator: it keeps its answer in a field). */
  static final class RankOf implements EventVisitor {
    private int rank;

    int of(Event e) {
      e.accept(this);
      return rank;
    }

    @Override
    public void created(GoroutineCreated e) {
      rank = RANK_CREATED;
    }

    @Override
    public void exited(GoroutineExited e) {
      rank = RANK_EXITED;
    }

    @Override
    public void parked(GoroutineParked e) {
      rank = RANK_OTHER;
    }

    @Override
    public void readied(GoroutineReadied e) {
      rank = RANK_OTHER;
    }

    @Override
    public void deadlineSet(ContextDeadlineSet e) {
      rank = RANK_OTHER;
    }

    @Override
    public void cancelled(ContextCancelled e) {
      rank = RANK_OTHER;
    }

    @Override
    public void mark(GoroutineMark e) {
      rank = RANK_OTHER;
    }

    @Override
    public void lost(EventsLost e) {
      rank = RANK_OTHER;
    }

    @Override
    public void appSpan(AppSpan e) {
      rank = RANK_OTHER;
    }
  }
}
