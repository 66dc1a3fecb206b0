/** Records as JSON lines, one object per line with a {@code type} field. */
package dev.goroscope.otel.jsonl;
