/** CLOCK_MONOTONIC to Unix epoch conversion, fixed once per run. */
package dev.goroscope.otel.time;
