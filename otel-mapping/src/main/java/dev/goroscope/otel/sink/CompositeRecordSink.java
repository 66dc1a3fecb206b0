package dev.goroscope.otel.sink;

import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Fans lifecycle calls out to several sinks (e.g. OTLP spans, JSON lines and metrics at once).
 * A sink that throws is isolated: the others still get the call and the failure is counted.
 * Closes every sink at once, once: closing takes as long as the slowest sink (each bounds its
 * own flush), not the sum of them.
 */
public final class CompositeRecordSink implements RecordSink {

  private final List<RecordSink> sinks;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  public CompositeRecordSink(List<? extends RecordSink> sinks) {
    this.sinks = List.copyOf(sinks);
  }

  public static RecordSink of(RecordSink... sinks) {
    return sinks.length == 1 ? sinks[0] : new CompositeRecordSink(List.of(sinks));
  }

  @Override
  public void processStarted(ProcessInfo process) {
    each(s -> s.processStarted(process));
  }

  @Override
  public void goroutineStarted(Goroutine g) {
    each(s -> s.goroutineStarted(g));
  }

  @Override
  public void goroutineUpdated(Goroutine g) {
    each(s -> s.goroutineUpdated(g));
  }

  @Override
  public void goroutineEnded(Goroutine g) {
    each(s -> s.goroutineEnded(g));
  }

  @Override
  public void goroutineEvent(Goroutine g, GoroutineEvent event) {
    each(s -> s.goroutineEvent(g, event));
  }

  @Override
  public void contextCreated(ContextRecord c) {
    each(s -> s.contextCreated(c));
  }

  @Override
  public void contextUpdated(ContextRecord c) {
    each(s -> s.contextUpdated(c));
  }

  @Override
  public void contextEnded(ContextRecord c) {
    each(s -> s.contextEnded(c));
  }

  @Override
  public void eventsLost(int pid, long count) {
    each(s -> s.eventsLost(pid, count));
  }

  @Override
  public void processEnded(int pid, long timestampNs) {
    each(s -> s.processEnded(pid, timestampNs));
  }

  @Override
  public void flush() {
    each(RecordSink::flush);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<Thread> closers = new ArrayList<>();
    for (int i = sinks.size() - 1; i > 0; i--) {
      RecordSink sink = sinks.get(i);
      Thread t = new Thread(() -> closeQuietly(sink), "goroscope-close-sink");
      t.setDaemon(true);
      t.start();
      closers.add(t);
    }
    if (!sinks.isEmpty()) {
      closeQuietly(sinks.get(0));
    }
    boolean interrupted = false;
    for (Thread t : closers) {
      while (t.isAlive()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeQuietly(RecordSink sink) {
    try {
      sink.close();
    } catch (Exception e) {
      failures.incrementAndGet();
    }
  }

  /** Exceptions thrown by member sinks (which should not throw at all). */
  public long failures() {
    return failures.get();
  }

  private void each(Consumer<RecordSink> call) {
    for (RecordSink s : sinks) {
      try {
        call.accept(s);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }
}
