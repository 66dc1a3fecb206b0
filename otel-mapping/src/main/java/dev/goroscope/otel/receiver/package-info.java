/**
 * goroscope as an OTLP pipeline stage: OTLP/gRPC and OTLP/HTTP receivers ({@link
 * dev.goroscope.otel.receiver.OtlpReceiver}) that forward what the application sends — bytes as
 * received — to the configured OTLP backend, with a bounded byte budget, retry with backoff,
 * counted drops, and an optional {@link dev.goroscope.otel.receiver.SpanEnricher} that adds
 * attributes to spans (waiting a bounded time for what it does not know yet).
 */
package dev.goroscope.otel.receiver;
