package dev.goroscope.otel.sink;

import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import dev.goroscope.record.StwRecord;
import dev.goroscope.record.ThreadsRecord;
import dev.goroscope.record.SampleRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Fans lifecycle calls out to several sinks (e.g. OTLP spans, JSON lines and metrics at once).
 * A sink that throws is isolated: the others still get the call and the failure is counted.
 * Closes every sink at once, once: closing takes as long as the slowest sink (each bounds its
 * own flush), not the sum of them.
 *
 * <p>Every record of the run passes here: each method is a plain loop over the sinks (no
 * lambda per call, which the JIT's C1 allocated through a slow path).
 */
public final class CompositeRecordSink implements RecordSink {

  /** An array, iterated by index: one call per sink and record, no iterator or lambda. */
  private final RecordSink[] sinks;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();

  public CompositeRecordSink(List<? extends RecordSink> sinks) {
    this.sinks = List.copyOf(sinks).toArray(RecordSink[]::new);
  }

  public static RecordSink of(RecordSink... sinks) {
    return sinks.length == 1 ? sinks[0] : new CompositeRecordSink(List.of(sinks));
  }

  @Override
  public void processStarted(ProcessInfo process) {
    for (RecordSink s : sinks) {
      try {
        s.processStarted(process);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void goroutineStarted(Goroutine g) {
    for (RecordSink s : sinks) {
      try {
        s.goroutineStarted(g);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void goroutineUpdated(Goroutine g) {
    for (RecordSink s : sinks) {
      try {
        s.goroutineUpdated(g);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void goroutineEnded(Goroutine g) {
    for (RecordSink s : sinks) {
      try {
        s.goroutineEnded(g);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void goroutineEvent(Goroutine g, GoroutineEvent event) {
    for (RecordSink s : sinks) {
      try {
        s.goroutineEvent(g, event);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void contextCreated(ContextRecord c) {
    for (RecordSink s : sinks) {
      try {
        s.contextCreated(c);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void contextUpdated(ContextRecord c) {
    for (RecordSink s : sinks) {
      try {
        s.contextUpdated(c);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void contextEnded(ContextRecord c) {
    for (RecordSink s : sinks) {
      try {
        s.contextEnded(c);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void stopTheWorld(StwRecord pause) {
    for (RecordSink s : sinks) {
      try {
        s.stopTheWorld(pause);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void threadsSampled(ThreadsRecord threads) {
    for (RecordSink s : sinks) {
      try {
        s.threadsSampled(threads);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void goroutinesSampled(SampleRecord sample) {
    for (RecordSink s : sinks) {
      try {
        s.goroutinesSampled(sample);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void eventsLost(int pid, long count) {
    for (RecordSink s : sinks) {
      try {
        s.eventsLost(pid, count);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void processEnded(int pid, long timestampNs) {
    for (RecordSink s : sinks) {
      try {
        s.processEnded(pid, timestampNs);
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void flush() {
    for (RecordSink s : sinks) {
      try {
        s.flush();
      } catch (RuntimeException e) {
        failures.incrementAndGet();
      }
    }
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<Thread> closers = new ArrayList<>();
    for (int i = sinks.length - 1; i > 0; i--) {
      RecordSink sink = sinks[i];
      Thread t = new Thread(() -> closeQuietly(sink), "goroscope-close-sink");
      t.setDaemon(true);
      t.start();
      closers.add(t);
    }
    if (sinks.length > 0) {
      closeQuietly(sinks[0]);
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
}
