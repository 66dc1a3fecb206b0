/**
 * Goroutine records to spans: one span per goroutine, parent = creator, trace roots by rule
 * (see {@link dev.goroscope.otel.span.GoroutineSpanAssembler} and the module README).
 */
package dev.goroscope.otel.span;
