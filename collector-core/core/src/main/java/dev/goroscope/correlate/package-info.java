/**
 * The correlator: rebuilds goroutine lifecycles, the spawn forest, deadline contexts, deadline
 * overruns and leak candidates from the decoded event stream ({@code dev.goroscope.event}) and
 * hands {@code dev.goroscope.record} records to a {@code RecordSink}.
 *
 * <p>Entry point {@link dev.goroscope.correlate.Correlator}, configured by an immutable
 * {@link dev.goroscope.correlate.CorrelatorConfig}; names come through the small
 * {@link dev.goroscope.correlate.Symbolizer} SPI that the Go binary inspector implements.
 * Everything here is single-threaded; the compact tables ({@code LongObjectMap},
 * {@code ReorderBuffer}, {@code ParkLog}) are package-private implementation details.
 */
package dev.goroscope.correlate;
