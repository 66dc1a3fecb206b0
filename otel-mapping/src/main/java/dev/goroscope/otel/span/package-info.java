/**
 * Goroutine records to spans: one span per goroutine, parent = creator, trace roots by rule;
 * {@code GoroutineSpanAssembler} documents the ordering and partial-record rules, the module
 * README the attributes.
 */
package dev.goroscope.otel.span;
