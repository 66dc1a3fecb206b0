package dev.goroscope.testing;

import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A sink that keeps everything it is given, in order, for assertions: copies of goroutines as
 * updated and ended ({@link #goroutines}), as started ({@link #startedGoroutines}), and
 * contexts as updated and ended ({@link #contexts}). Thread-safe to write (an attacher writes
 * from its own thread); read it after the writer is done.
 */
public final class RecordingSink implements RecordSink {
  public final List<GoroutineRecord> goroutines = Collections.synchronizedList(new ArrayList<>());
  public final List<GoroutineRecord> startedGoroutines =
      Collections.synchronizedList(new ArrayList<>());
  public final List<ContextRecord> contexts = Collections.synchronizedList(new ArrayList<>());
  public final List<ContextRecord> createdContexts =
      Collections.synchronizedList(new ArrayList<>());
  public final List<ProcessInfo> started = Collections.synchronizedList(new ArrayList<>());
  public final List<long[]> ended = Collections.synchronizedList(new ArrayList<>());
  public final List<long[]> lost = Collections.synchronizedList(new ArrayList<>());
  /** Events announced as they happened ({@link RecordSink#goroutineEvent}), with their goid. */
  public final List<Announced> announced = Collections.synchronizedList(new ArrayList<>());
  public volatile int flushes;

  /** One {@link RecordSink#goroutineEvent} call: the goroutine's copy and the event. */
  public record Announced(GoroutineRecord goroutine, GoroutineEvent event) {}

  @Override
  public void processStarted(ProcessInfo process) {
    started.add(process);
  }

  @Override
  public void goroutineStarted(Goroutine g) {
    startedGoroutines.add(g.toRecord());
  }

  @Override
  public void goroutineUpdated(Goroutine g) {
    goroutines.add(g.toRecord());
  }

  @Override
  public void goroutineEnded(Goroutine g) {
    goroutines.add(g.toRecord());
  }

  @Override
  public void goroutineEvent(Goroutine g, GoroutineEvent event) {
    announced.add(new Announced(g.toRecord(), event));
  }

  @Override
  public void contextCreated(ContextRecord record) {
    createdContexts.add(record);
  }

  @Override
  public void contextUpdated(ContextRecord record) {
    contexts.add(record);
  }

  @Override
  public void contextEnded(ContextRecord record) {
    contexts.add(record);
  }

  @Override
  public void eventsLost(int pid, long count) {
    lost.add(new long[] {pid, count});
  }

  @Override
  public void processEnded(int pid, long timestampNs) {
    ended.add(new long[] {pid, timestampNs});
  }

  @Override
  public synchronized void flush() {
    flushes++;
  }

  public List<GoroutineRecord> finished() {
    return goroutines.stream().filter(r -> !r.isPartial()).collect(Collectors.toList());
  }

  public List<GoroutineRecord> partials() {
    return goroutines.stream().filter(GoroutineRecord::isPartial).collect(Collectors.toList());
  }

  /** The only finished record of {@code goid}; fails if there is none or more than one. */
  public GoroutineRecord finished(long goid) {
    List<GoroutineRecord> found = finished().stream().filter(r -> r.goid() == goid)
        .collect(Collectors.toList());
    if (found.size() != 1) {
      throw new AssertionError("expected one finished record of goroutine " + goid + ", got "
          + found);
    }
    return found.get(0);
  }

  /** The latest partial record of {@code goid}. */
  public GoroutineRecord lastPartial(long goid) {
    GoroutineRecord last = null;
    for (GoroutineRecord r : goroutines) {
      if (r.goid() == goid && r.isPartial()) {
        last = r;
      }
    }
    if (last == null) {
      throw new AssertionError("no partial record of goroutine " + goid);
    }
    return last;
  }

  public ContextRecord context(long ctx) {
    List<ContextRecord> found = contexts.stream().filter(c -> c.ctx() == ctx)
        .collect(Collectors.toList());
    if (found.size() != 1) {
      throw new AssertionError("expected one record of context " + ctx + ", got " + found);
    }
    return found.get(0);
  }
}
