package dev.goroscope.it.bench;

/**
 * CPU a process used over an interval, in nanoseconds, by kind of thread (see {@link
 * ProcessCpu.ThreadKind}); {@code other} includes threads that ended in the interval.
 */
record CpuUse(long totalNs, long mainNs, long jitNs, long gcNs, long otherNs) {}
