/**
 * The record contract: what the correlator (collector-core) hands to every output
 * (otel-mapping's spans, JSON lines, metrics, report). It depends on nothing at all, so the
 * correlator compiles without OpenTelemetry and the outputs never need the kernel side.
 *
 * <p>{@link dev.goroscope.record.RecordSink} receives lifecycle calls; a
 * {@link dev.goroscope.record.Goroutine} carries a generic, ordered list of
 * {@link dev.goroscope.record.GoroutineEvent}s, so a new kind of event needs nothing new here.
 *
 * <p>All {@code *Ns} timestamps are CLOCK_MONOTONIC nanoseconds (the clock of
 * {@code bpf_ktime_get_ns}); converting them to epoch time is the exporter's job, done once per
 * run. Deadlines are the exception: they are Unix epoch nanoseconds as Go computed them.
 */
package dev.goroscope.record;
