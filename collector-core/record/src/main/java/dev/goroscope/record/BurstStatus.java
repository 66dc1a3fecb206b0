package dev.goroscope.record;

/**
 * Precise bursts of a sampled run, as of one sample: probes attached for short periods, spaced
 * so that the target's estimated overhead stays under a budget.
 *
 * @param active a burst is running now
 * @param bursts bursts so far
 * @param probeHits uprobe hits (kernel events, lost ones included) over all bursts
 * @param trapCostNs what one uprobe hit costs the target on this host, measured at start, ns
 * @param budgetPercent the overhead budget, percent of the target's own CPU time
 * @param estimatedOverheadPercent trap time of all bursts over the target's own CPU time since
 *     watching began, percent
 */
public record BurstStatus(boolean active, long bursts, long probeHits, double trapCostNs,
    double budgetPercent, double estimatedOverheadPercent) {}
