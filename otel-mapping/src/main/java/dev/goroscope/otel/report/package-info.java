/**
 * The HTML report: {@link dev.goroscope.otel.report.ReportModel} ingests goroscope's JSON lines
 * (the documented {@code --output jsonl} schema, tolerant of fields it does not know), {@link
 * dev.goroscope.otel.report.HtmlReport} renders it as one self-contained HTML file (timeline,
 * spawn tree, goroutine flame graph, summary; no network needed to open it), and {@link
 * dev.goroscope.otel.report.HtmlReportSink} keeps such a file up to date while JSON lines are
 * written into it. Nothing here needs OpenTelemetry: the report reads JSON lines, not records.
 */
package dev.goroscope.otel.report;
