/** Composition of record sinks: fan-out and the ready-made pipeline the CLI uses. */
package dev.goroscope.otel.sink;
