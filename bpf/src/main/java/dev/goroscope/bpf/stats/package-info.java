/**
 * The kernel's per-program run statistics ({@code run_time_ns}, {@code run_cnt} in a program's
 * fdinfo), switched on for as long as goroscope holds them ({@link
 * dev.goroscope.bpf.stats.RunTimeStats}).
 */
package dev.goroscope.bpf.stats;
