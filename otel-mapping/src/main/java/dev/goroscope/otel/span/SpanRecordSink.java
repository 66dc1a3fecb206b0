package dev.goroscope.otel.span;

import dev.goroscope.otel.resource.ProcessResources;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The record sink that turns goroutine records into spans (see {@link GoroutineSpanAssembler}
 * for the ordering and partial-record rules) and hands them to one or more {@link SpanSink}s
 * (OTLP batcher, console tree), which then all see the same trace and span ids.
 *
 * <p>Never throws from the record methods: a failing span sink is isolated and counted.
 */
public final class SpanRecordSink implements RecordSink {

  private final SpanMappingConfig config;
  private final ProcessResources processResources;
  private final List<SpanSink> sinks;
  private final Map<Integer, Resource> resources = new HashMap<>();
  private final GoroutineSpanAssembler assembler;
  private final AtomicBoolean closed = new AtomicBoolean();
  private long sinkErrors;
  private long mappingErrors;

  public SpanRecordSink(
      SpanMappingConfig config, ProcessResources processResources, List<SpanSink> sinks) {
    this.config = Objects.requireNonNull(config, "config");
    this.processResources = Objects.requireNonNull(processResources, "processResources");
    this.sinks = List.copyOf(sinks);
    if (this.sinks.isEmpty()) {
      throw new IllegalArgumentException("at least one span sink is needed");
    }
    this.assembler = new GoroutineSpanAssembler(config, this::resource, this::fanOut);
  }

  @Override
  public synchronized void processStarted(ProcessInfo process) {
    try {
      resources.put(process.pid(), processResources.forProcess(process));
    } catch (RuntimeException e) {
      mappingErrors++;
    }
  }

  @Override
  public synchronized void goroutine(GoroutineRecord record) {
    if (closed.get()) {
      return;
    }
    try {
      assembler.accept(record, config.clock().monotonicNowNs());
    } catch (RuntimeException e) {
      mappingErrors++;
    }
  }

  /** Contexts become span events of the goroutines that touched them, not spans. */
  @Override
  public void context(ContextRecord record) {}

  @Override
  public synchronized void processEnded(int pid, long timestampNs) {
    try {
      assembler.flushLive(pid, timestampNs);
      assembler.forgetProcess(pid);
      resources.remove(pid);
    } catch (RuntimeException e) {
      mappingErrors++;
    }
  }

  @Override
  public synchronized void flush() {
    try {
      assembler.expire(config.clock().monotonicNowNs());
    } catch (RuntimeException e) {
      mappingErrors++;
    }
    for (SpanSink s : sinks) {
      try {
        s.flush();
      } catch (RuntimeException e) {
        sinkErrors++;
      }
    }
  }

  /** Exports goroutines still alive as partial spans ending now, then closes the span sinks. */
  @Override
  public synchronized void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      assembler.flushLive(null, config.clock().monotonicNowNs());
    } catch (RuntimeException e) {
      mappingErrors++;
    }
    for (SpanSink s : sinks) {
      try {
        s.close();
      } catch (RuntimeException e) {
        sinkErrors++;
      }
    }
  }

  /** Counters for the summary line. */
  public synchronized Stats stats() {
    return new Stats(
        assembler.spansEmitted(), assembler.partialSpansEmitted(), assembler.liveCount(),
        assembler.waitingCount(), assembler.waitsForced(), assembler.lineagesEvicted(),
        mappingErrors, sinkErrors);
  }

  /**
   * @param spans spans handed to the span sinks
   * @param partialSpans of those, cut from a still-running goroutine
   * @param liveHeld running goroutines held for a later final or partial span
   * @param waiting records waiting for their parent's record
   * @param waitsForced waits ended by time or space limits (parent got its own trace)
   * @param lineagesEvicted span contexts forgotten to bound memory
   * @param mappingErrors records that could not be mapped
   * @param sinkErrors exceptions thrown by span sinks
   */
  public record Stats(
      long spans,
      long partialSpans,
      int liveHeld,
      int waiting,
      long waitsForced,
      long lineagesEvicted,
      long mappingErrors,
      long sinkErrors) {}

  private Resource resource(int pid) {
    return resources.computeIfAbsent(
        pid, p -> processResources.forProcess(GoroutineSpanAssembler.unknownProcess(p)));
  }

  private void fanOut(SpanData span) {
    for (SpanSink s : sinks) {
      try {
        s.accept(span);
      } catch (RuntimeException e) {
        sinkErrors++;
      }
    }
  }
}
