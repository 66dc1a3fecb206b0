/** A readable goroutine tree per trace on a terminal, for use without a backend. */
package dev.goroscope.otel.console;
