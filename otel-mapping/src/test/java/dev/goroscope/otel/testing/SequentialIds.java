package dev.goroscope.otel.testing;

import io.opentelemetry.sdk.trace.IdGenerator;

/** Predictable ids for exact payload assertions: trace 1, 2 … and span 1, 2 … in hex. */
public final class SequentialIds implements IdGenerator {
  private long trace;
  private long span;

  @Override
  public synchronized String generateSpanId() {
    return String.format("%016x", ++span);
  }

  @Override
  public synchronized String generateTraceId() {
    return String.format("%032x", ++trace);
  }

  public static String traceId(long n) {
    return String.format("%032x", n);
  }

  public static String spanId(long n) {
    return String.format("%016x", n);
  }
}
