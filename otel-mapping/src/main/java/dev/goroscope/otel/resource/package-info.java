/** The OpenTelemetry resource of a traced Go process. */
package dev.goroscope.otel.resource;
