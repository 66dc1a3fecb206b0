package dev.goroscope.otel.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.otel.testing.Scenario;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.RecordSink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompositeRecordSinkTest {

  static final class Recording implements RecordSink {
    final String name;
    final List<String> log;

    Recording(String name, List<String> log) {
      this.name = name;
      this.log = log;
    }

    @Override
    public void goroutineEnded(Goroutine r) {
      log.add(name + ":g" + r.goid());
    }

    @Override
    public void contextEnded(ContextRecord r) {
      log.add(name + ":ctx");
    }

    @Override
    public void eventsLost(int pid, long count) {
      log.add(name + ":lost" + count);
    }

    @Override
    public void flush() {
      log.add(name + ":flush");
    }

    @Override
    public void close() {
      log.add(name + ":close");
    }
  }

  @Test
  void fansOutIsolatesFailuresAndClosesEachSinkOnce() {
    // close() closes the sinks at once, on threads of their own: the log is written from them
    List<String> log = Collections.synchronizedList(new ArrayList<>());
    RecordSink failing = new RecordSink() {
      @Override
      public void goroutineEnded(Goroutine r) {
        throw new IllegalStateException("boom");
      }
    };
    CompositeRecordSink c = new CompositeRecordSink(
        List.of(new Recording("a", log), failing, new Recording("b", log)));
    c.goroutineEnded(Scenario.worker());
    c.eventsLost(1, 3);
    c.flush();
    c.close();
    c.close();
    assertThat(log.subList(0, 6)).containsExactly(
        "a:g22", "b:g22", "a:lost3", "b:lost3", "a:flush", "b:flush");
    // in no set order (every sink at once), and once each despite the second close()
    assertThat(log.subList(6, log.size())).containsExactlyInAnyOrder("a:close", "b:close");
    assertThat(c.failures()).isEqualTo(1);
  }
}
