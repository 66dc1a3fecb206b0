/**
 * Adding what the probes know to the application's own spans as they pass through the OTLP
 * receiver: {@link dev.goroscope.otel.enrich.GoroutineIdEnricher} gives each application span
 * the {@code goroutine.id} of the goroutine that started it.
 */
package dev.goroscope.otel.enrich;
