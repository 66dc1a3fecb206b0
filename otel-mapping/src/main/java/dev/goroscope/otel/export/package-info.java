/** OTLP configuration, exporters and the bounded, retrying span batcher. */
package dev.goroscope.otel.export;
