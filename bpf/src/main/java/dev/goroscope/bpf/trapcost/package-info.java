/**
 * The trap cost of this host: one uprobe hit, measured at start by probing a libc function of
 * goroscope's own process ({@link dev.goroscope.bpf.trapcost.TrapCalibration}); sampled mode
 * spaces its precise bursts with it.
 */
package dev.goroscope.bpf.trapcost;
