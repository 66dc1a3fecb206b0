package dev.goroscope.it.bench;

import dev.goroscope.bpf.BpfException;
import dev.goroscope.bpf.stats.RunTimeStats;
import java.nio.file.Path;

/**
 * The kernel timing every BPF program run for the length of a run (two clock reads each, in
 * every mode alike), which {@link BpfProgramTime} reads. A system-wide switch, so it is only on
 * when asked ({@code --bpf-stats}), and held as a {@link RunTimeStats}: the kernel turns it off
 * when the harness closes it or dies, even killed, and {@code kernel.bpf_stats_enabled} is
 * never written.
 */
final class BpfStats implements AutoCloseable {
  /** The sysctl an administrator may have set; left as it is. */
  static final Path SWITCH = Path.of("/proc/sys/kernel/bpf_stats_enabled");

  private final RunTimeStats stats;

  private BpfStats(RunTimeStats stats) {
    this.stats = stats;
  }

  static BpfStats enable() {
    try {
      return new BpfStats(RunTimeStats.enable());
    } catch (BpfException e) {
      throw new IllegalStateException("turn on the kernel's BPF statistics (--bpf-stats needs"
          + " root): " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    stats.close();
  }
}
