/** Goroutine metrics recorded from the record stream and pushed over OTLP. */
package dev.goroscope.otel.metrics;
