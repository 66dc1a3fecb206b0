/**
 * The correlated records that flow from the correlator (collector-core) into the OpenTelemetry
 * mapping. This package is the contract between the two modules: it depends on nothing else in
 * goroscope, so otel-mapping never needs the bpf module.
 *
 * <p>All {@code *Ns} timestamps are CLOCK_MONOTONIC nanoseconds (the clock of
 * {@code bpf_ktime_get_ns}); converting them to epoch time is the exporter's job, done once per
 * run. Deadlines are the exception: they are Unix epoch nanoseconds as Go computed them.
 */
package dev.goroscope.record;
