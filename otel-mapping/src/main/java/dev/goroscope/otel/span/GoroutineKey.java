package dev.goroscope.otel.span;

/** A goroutine's identity across processes: goids are only unique within one process. */
record GoroutineKey(int pid, long goid) {}
