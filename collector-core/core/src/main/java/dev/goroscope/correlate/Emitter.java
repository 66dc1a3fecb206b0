package dev.goroscope.correlate;

import dev.goroscope.event.CancelReason;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import dev.goroscope.record.StwRecord;
import dev.goroscope.record.ThreadsRecord;
import dev.goroscope.record.SampleRecord;
import java.util.List;

/**
 * The one place records leave the correlator: lifecycle calls to the {@link RecordSink}, each
 * isolated (a sink that throws loses that call, counted, and the correlator carries on), each
 * counted once. Goroutines are shown to the sink through one reusable {@link GoroutineView}.
 */
final class Emitter {

  private final RecordSink sink;
  private final Counters counters;
  private final Leaks leaks;
  private final GoroutineView view = new GoroutineView();

  Emitter(RecordSink sink, Counters counters, Leaks leaks) {
    this.sink = sink;
    this.counters = counters;
    this.leaks = leaks;
  }

  void processStarted(ProcessInfo process) {
    try {
      sink.processStarted(process);
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    }
  }

  void started(LiveGoroutine g) {
    counters.goroutinesStarted++;
    try {
      sink.goroutineStarted(view.set(g, -1, liveState(g), g.startNs, false, false));
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    } finally {
      view.clear();
    }
  }

  /** An event of a live goroutine as it happens ({@link RecordSink#goroutineEvent}). */
  void goroutineEvent(LiveGoroutine g, GoroutineEvent event, long nowNs) {
    try {
      sink.goroutineEvent(view.set(g, -1, liveState(g), nowNs, false, false), event);
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    } finally {
      view.clear();
    }
  }

  /** News of a live goroutine as of {@code nowNs}. */
  void updated(LiveGoroutine g, long nowNs) {
    counters.partialRecords++;
    try {
      sink.goroutineUpdated(
          view.set(g, -1, liveState(g), nowNs, leaks.isLeak(g, nowNs), false));
      Sampling.recorded(g);
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    } finally {
      view.clear();
    }
  }

  /**
   * The last call about {@code g}: finished at {@code endNs} in {@code state}, or, with
   * {@code endNs} −1, no longer watched while alive as of {@code nowNs}.
   */
  void ended(LiveGoroutine g, long endNs, GoroutineState state, long nowNs,
      boolean forceIncomplete) {
    if (endNs < 0) {
      counters.partialRecords++;
    } else {
      counters.finishedRecords++;
    }
    boolean leak = state != GoroutineState.EXITED && leaks.isLeak(g, endNs >= 0 ? endNs : nowNs);
    try {
      sink.goroutineEnded(view.set(g, endNs, state, nowNs, leak, forceIncomplete));
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    } finally {
      view.clear();
    }
  }

  /** Ended while alive (eviction, watching stopped): waiting or running as of {@code nowNs}. */
  void endedAlive(LiveGoroutine g, long nowNs, boolean forceIncomplete) {
    ended(g, -1, liveState(g), nowNs, forceIncomplete);
  }

  void contextCreated(LiveContext c) {
    counters.contextsCreated++;
    counters.contextRecords++;
    try {
      sink.contextCreated(record(c, List.of()));
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    }
  }

  void contextUpdated(LiveContext c) {
    counters.contextRecords++;
    try {
      sink.contextUpdated(record(c, List.of()));
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    }
  }

  void contextEnded(LiveContext c, List<Long> overrunGoids) {
    counters.contextRecords++;
    try {
      sink.contextEnded(record(c, overrunGoids));
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    }
  }

  void stopTheWorld(StwRecord pause) {
    try {
      sink.stopTheWorld(pause);
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    }
  }

  void threadsSampled(ThreadsRecord threads) {
    try {
      sink.threadsSampled(threads);
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    }
  }

  /** Sampled mode: one sample of a process, summed up. */
  void sampled(SampleRecord sample) {
    try {
      sink.goroutinesSampled(sample);
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    }
  }

  void eventsLost(int pid, long count) {
    try {
      sink.eventsLost(pid, count);
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    }
  }

  void processEnded(int pid, long timestampNs) {
    try {
      sink.processEnded(pid, timestampNs);
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    }
  }

  void flush() {
    try {
      sink.flush();
    } catch (RuntimeException e) {
      counters.sinkFailures++;
    }
  }

  private static GoroutineState liveState(LiveGoroutine g) {
    return g.isParked() || Sampling.isWaiting(g) ? GoroutineState.WAITING
        : GoroutineState.RUNNING;
  }

  private static ContextRecord record(LiveContext c, List<Long> overrunGoids) {
    ContextRecord.EndReason reason = null;
    if (c.reason != null) {
      reason = c.reason == CancelReason.DEADLINE_EXCEEDED
          ? ContextRecord.EndReason.DEADLINE_EXCEEDED : ContextRecord.EndReason.CANCELED;
    }
    return new ContextRecord(c.process.pid, c.ctx, c.parentCtx, c.creatorGoid, c.createdNs,
        c.deadlineUnixNs, c.endedNs, c.cancellerGoid, reason, overrunGoids);
  }
}
