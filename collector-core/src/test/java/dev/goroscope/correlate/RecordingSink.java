package dev.goroscope.correlate;

import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A sink that keeps everything it is given, in order, for assertions. */
final class RecordingSink implements RecordSink {
  final List<GoroutineRecord> goroutines = new ArrayList<>();
  final List<ContextRecord> contexts = new ArrayList<>();
  final List<ProcessInfo> started = new ArrayList<>();
  final List<long[]> ended = new ArrayList<>();
  final List<long[]> lost = new ArrayList<>();
  int flushes;

  @Override
  public void processStarted(ProcessInfo process) {
    started.add(process);
  }

  @Override
  public void goroutine(GoroutineRecord record) {
    goroutines.add(record);
  }

  @Override
  public void context(ContextRecord record) {
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
  public void flush() {
    flushes++;
  }

  List<GoroutineRecord> finished() {
    return goroutines.stream().filter(r -> !r.isPartial()).collect(Collectors.toList());
  }

  List<GoroutineRecord> partials() {
    return goroutines.stream().filter(GoroutineRecord::isPartial).collect(Collectors.toList());
  }

  /** The only finished record of {@code goid}; fails if there is none or more than one. */
  GoroutineRecord finished(long goid) {
    List<GoroutineRecord> found = finished().stream().filter(r -> r.goid() == goid)
        .collect(Collectors.toList());
    if (found.size() != 1) {
      throw new AssertionError("expected one finished record of goroutine " + goid + ", got "
          + found);
    }
    return found.get(0);
  }

  /** The latest partial record of {@code goid}. */
  GoroutineRecord lastPartial(long goid) {
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

  ContextRecord context(long ctx) {
    List<ContextRecord> found = contexts.stream().filter(c -> c.ctx() == ctx)
        .collect(Collectors.toList());
    if (found.size() != 1) {
      throw new AssertionError("expected one record of context " + ctx + ", got " + found);
    }
    return found.get(0);
  }
}
