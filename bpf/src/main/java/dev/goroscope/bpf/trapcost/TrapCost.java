package dev.goroscope.bpf.trapcost;

/**
 * What one uprobe hit costs a process on this host, measured by {@link TrapCalibration}.
 *
 * @param nsPerHit CPU time one hit adds to the thread that traps (median over rounds), ns
 * @param plainNsPerCall CPU time per call of the probed function without the probe, ns
 * @param hits hits the BPF program counted over all rounds (equal to the probed calls)
 * @param callsPerRound calls per round, once without and once with the probe
 * @param rounds rounds measured
 * @param site where the probe was: {@code getppid in /usr/lib/…/libc.so.6+0x…}
 */
public record TrapCost(double nsPerHit, double plainNsPerCall, long hits, int callsPerRound,
    int rounds, String site) {}
