package dev.goroscope.bpf.stats;

import dev.goroscope.bpf.BpfException;
import dev.goroscope.bpf.internal.BpfCalls;
import dev.goroscope.bpf.internal.OsCalls;

/**
 * The kernel timing every BPF program run, on while this is open: the {@code BPF_ENABLE_STATS}
 * fd. Unlike writing 1 to {@code kernel.bpf_stats_enabled}, the kernel counts holders, so
 * closing gives back whatever was set before, and a holder that is killed closes it by dying:
 * the system-wide switch (two clock reads more per program run, every program on the host)
 * is never left on by a crash. Needs CAP_SYS_ADMIN.
 */
public final class RunTimeStats implements AutoCloseable {
  private int fd;

  private RunTimeStats(int fd) {
    this.fd = fd;
  }

  /**
   * Turns the statistics on.
   *
   * @throws BpfException when the kernel refuses (no CAP_SYS_ADMIN, or a kernel before 5.8)
   */
  public static RunTimeStats enable() {
    return new RunTimeStats(BpfCalls.enableRunTimeStats());
  }

  /** Gives the switch back; idempotent. */
  @Override
  public synchronized void close() {
    if (fd >= 0) {
      OsCalls.close(fd);
      fd = -1;
    }
  }
}
