package dev.goroscope.otel.jsonl;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.Attr;
import dev.goroscope.record.Attrs;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.ContextEvent;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.DeadlineOverrun;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.ParkInterval;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Writes every record as one JSON object per line with a {@code type} field, for {@code jq} and
 * scripts. The schema (documented field by field in the module README) is:
 *
 * <ul>
 *   <li>{@code {"type":"goroutine","pid","goid","parentGoid","startFunction",
 *       "createdAt":{"function","file","line"},"startNs","endNs"|null,"state",
 *       "deadlineOverrun", …, "events":[{"event","ns",…}], "attributes":{…}}} — written when a
 *       goroutine is updated (partial) and when it ends. {@code events} holds every event of
 *       every kind with its attributes under their JSON names; {@code contextEvents} and
 *       {@code parks} keep the older typed views of the context and park events.
 *   <li>{@code {"type":"context","ctx":"0x…","goid":<creator>,"cancelledBy"|null,
 *       "deadlineUnixNs","endedNs"|null,"reason"|null, …}}
 *   <li>{@code process}, {@code process_end} and {@code events_lost} lines.
 * </ul>
 *
 * <p>{@code *Ns} are CLOCK_MONOTONIC like the records; each has an {@code *UnixNs} twin converted
 * with the run's single {@link ClockOffset}. Output is buffered and pushed on {@link #flush()},
 * on {@link #close()} and at most every 200 ms while records flow, so {@code | jq} stays live
 * without a system call per line. An I/O error (e.g. the reader of a pipe went away) stops
 * output and is counted, never thrown.
 */
public final class JsonLinesSink implements RecordSink {

  private static final long AUTO_FLUSH_NS = 200_000_000L;

  private final OutputStream stream;
  private final JsonGenerator json;
  private final ClockOffset clock;
  private final boolean closeStream;
  private final LongSupplier nanoClock;
  private final AtomicBoolean closed = new AtomicBoolean();
  private long lastFlushNs;
  private long linesWritten;
  private long writeErrors;
  private boolean broken;

  /**
   * @param out where lines go (standard output or a file)
   * @param clock monotonic-to-epoch conversion for the {@code *UnixNs} fields
   * @param closeStream whether {@link #close()} closes {@code out} (false for stdout)
   */
  public JsonLinesSink(OutputStream out, ClockOffset clock, boolean closeStream) {
    this.stream = new BufferedOutputStream(Objects.requireNonNull(out, "out"), 1 << 16);
    this.clock = Objects.requireNonNull(clock, "clock");
    this.closeStream = closeStream;
    this.nanoClock = System::nanoTime;
    try {
      JsonFactory f = JsonFactory.builder().build();
      this.json = f.createGenerator(stream, JsonEncoding.UTF8);
      this.json.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      this.json.configure(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM, false);
      this.json.setPrettyPrinter(new MinimalPrettyPrinter(""));
    } catch (IOException e) {
      throw new IllegalStateException("create json writer: " + e.getMessage(), e);
    }
    this.lastFlushNs = nanoClock.getAsLong();
  }

  @Override
  public synchronized void processStarted(ProcessInfo p) {
    write(() -> {
      json.writeStartObject();
      json.writeStringField("type", "process");
      json.writeNumberField("pid", p.pid());
      json.writeStringField("executable", p.executablePath());
      json.writeStringField("goVersion", p.goVersion());
      json.writeStringField("modulePath", p.modulePath());
      json.writeEndObject();
    });
  }

  @Override
  public synchronized void goroutineUpdated(Goroutine g) {
    goroutine(g);
  }

  @Override
  public synchronized void goroutineEnded(Goroutine g) {
    goroutine(g);
  }

  @Override
  public synchronized void contextUpdated(ContextRecord c) {
    context(c);
  }

  @Override
  public synchronized void contextEnded(ContextRecord c) {
    context(c);
  }

  private void goroutine(Goroutine r) {
    List<GoroutineEvent> events = r.events();
    write(() -> {
      json.writeStartObject();
      json.writeStringField("type", "goroutine");
      json.writeNumberField("pid", r.pid());
      json.writeNumberField("goid", r.goid());
      json.writeNumberField("parentGoid", r.parentGoid());
      json.writeBooleanField("parentTraced", r.parentTraced());
      json.writeStringField("startFunction", r.startFunction());
      json.writeStringField("startPc", hex(r.startPc()));
      location("createdAt", r.creationSite());
      json.writeNumberField("startNs", r.startNs());
      nullableLong("endNs", r.isPartial() ? null : r.endNs());
      json.writeNumberField("startUnixNs", clock.toEpochNanos(r.startNs()));
      nullableLong("endUnixNs", r.isPartial() ? null : clock.toEpochNanos(r.endNs()));
      nullableLong("durationNs", r.isPartial() ? null : Math.max(0, r.endNs() - r.startNs()));
      json.writeStringField("state", r.state().attributeValue());
      nullableString("waitReason", r.waitReason().isEmpty() ? null : r.waitReason());
      json.writeBooleanField("partial", r.isPartial());
      json.writeBooleanField("deadlineOverrun", r.hasDeadlineOverrun());
      if (r.hasDeadlineOverrun()) {
        DeadlineOverrun o = r.deadlineOverrun();
        json.writeObjectFieldStart("overrun");
        json.writeStringField("ctx", hex(o.ctx()));
        json.writeNumberField("contextCreatorGoid", o.contextCreatorGoid());
        json.writeNumberField("deadlineFiredNs", o.deadlineFiredNs());
        json.writeNumberField("overrunNs", o.overrunNs());
        json.writeEndObject();
      } else {
        json.writeNullField("overrun");
      }
      json.writeBooleanField("leakCandidate", r.leakCandidate());
      json.writeBooleanField("incomplete", r.incomplete());
      json.writeArrayFieldStart("contextEvents");
      for (ContextEvent e : ContextEvent.of(events)) {
        json.writeStartObject();
        json.writeStringField("event", e.kind().eventName());
        json.writeNumberField("ns", e.timestampNs());
        json.writeStringField("ctx", hex(e.ctx()));
        if (e.deadlineUnixNs() > 0) {
          json.writeNumberField("deadlineUnixNs", e.deadlineUnixNs());
        } else {
          json.writeNullField("deadlineUnixNs");
        }
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("parks");
      for (ParkInterval p : ParkInterval.of(events)) {
        json.writeStartObject();
        json.writeNumberField("startNs", p.startNs());
        nullableLong("endNs", p.isOpen() ? null : p.endNs());
        json.writeStringField("waitReason", p.waitReason());
        json.writeNumberField("waitReasonCode", p.waitReasonCode());
        nullableLong("wakerGoid", p.wakerGoid() < 0 ? null : p.wakerGoid());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeArrayFieldStart("events");
      for (GoroutineEvent e : events) {
        json.writeStartObject();
        json.writeStringField("event", e.name());
        json.writeNumberField("ns", e.timestampNs());
        attributes(e.attributes());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeObjectFieldStart("attributes");
      attributes(r.attributes());
      json.writeEndObject();
      json.writeEndObject();
    });
  }

  private void context(ContextRecord c) {
    write(() -> {
      json.writeStartObject();
      json.writeStringField("type", "context");
      json.writeNumberField("pid", c.pid());
      json.writeStringField("ctx", hex(c.ctx()));
      nullableString("parentCtx", c.parentCtx() == 0 ? null : hex(c.parentCtx()));
      json.writeNumberField("goid", c.creatorGoid());
      nullableLong("cancelledBy", c.isLive() || c.cancellerGoid() < 0 ? null : c.cancellerGoid());
      json.writeNumberField("createdNs", c.createdNs());
      json.writeNumberField("createdUnixNs", clock.toEpochNanos(c.createdNs()));
      json.writeNumberField("deadlineUnixNs", c.deadlineUnixNs());
      nullableLong("endedNs", c.isLive() ? null : c.endedNs());
      nullableLong("endedUnixNs", c.isLive() ? null : clock.toEpochNanos(c.endedNs()));
      nullableString("reason", c.reason() == null ? null : c.reason().attributeValue());
      json.writeArrayFieldStart("overrunGoids");
      for (long g : c.overrunGoids()) {
        json.writeNumber(g);
      }
      json.writeEndArray();
      json.writeEndObject();
    });
  }

  @Override
  public synchronized void eventsLost(int pid, long count) {
    write(() -> {
      json.writeStartObject();
      json.writeStringField("type", "events_lost");
      json.writeNumberField("pid", pid);
      json.writeNumberField("count", count);
      json.writeEndObject();
    });
  }

  @Override
  public synchronized void processEnded(int pid, long timestampNs) {
    write(() -> {
      json.writeStartObject();
      json.writeStringField("type", "process_end");
      json.writeNumberField("pid", pid);
      json.writeNumberField("endNs", timestampNs);
      json.writeNumberField("endUnixNs", clock.toEpochNanos(timestampNs));
      json.writeEndObject();
    });
  }

  @Override
  public synchronized void flush() {
    if (broken) {
      return;
    }
    try {
      json.flush();
      stream.flush();
      lastFlushNs = nanoClock.getAsLong();
    } catch (IOException e) {
      fail();
    }
  }

  @Override
  public synchronized void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    flush();
    try {
      json.close();
      if (closeStream) {
        stream.close();
      } else {
        stream.flush();
      }
    } catch (IOException e) {
      fail();
    }
  }

  public synchronized long linesWritten() {
    return linesWritten;
  }

  /** Records not written because output failed. */
  public synchronized long writeErrors() {
    return writeErrors;
  }

  private interface JsonWrite {
    void run() throws IOException;
  }

  private void write(JsonWrite w) {
    if (broken || closed.get()) {
      writeErrors++;
      return;
    }
    try {
      w.run();
      json.writeRaw('\n');
      linesWritten++;
      long now = nanoClock.getAsLong();
      if (now - lastFlushNs >= AUTO_FLUSH_NS) {
        json.flush();
        stream.flush();
        lastFlushNs = now;
      }
    } catch (IOException e) {
      fail();
    }
  }

  private void fail() {
    broken = true;
    writeErrors++;
  }

  /** Each attribute with a JSON name, as a field of the current object. */
  private void attributes(Attrs attrs) throws IOException {
    for (int i = 0; i < attrs.size(); i++) {
      Attr<?> key = attrs.key(i);
      if (key.jsonName() == null) {
        continue;
      }
      Object v = attrs.value(i);
      switch (key.type()) {
        case STRING -> json.writeStringField(key.jsonName(), (String) v);
        case LONG -> json.writeNumberField(key.jsonName(), (Long) v);
        case BOOLEAN -> json.writeBooleanField(key.jsonName(), (Boolean) v);
        case DOUBLE -> json.writeNumberField(key.jsonName(), (Double) v);
        case ADDRESS -> json.writeStringField(key.jsonName(), hex((Long) v));
      }
    }
  }

  private void location(String field, CodeLocation l) throws IOException {
    json.writeObjectFieldStart(field);
    json.writeStringField("function", l.function());
    json.writeStringField("file", l.file());
    json.writeNumberField("line", l.line());
    json.writeEndObject();
  }

  private void nullableLong(String field, Long v) throws IOException {
    if (v == null) {
      json.writeNullField(field);
    } else {
      json.writeNumberField(field, v);
    }
  }

  private void nullableString(String field, String v) throws IOException {
    if (v == null) {
      json.writeNullField(field);
    } else {
      json.writeStringField(field, v);
    }
  }

  private static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
