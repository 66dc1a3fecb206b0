package dev.goroscope.it.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code kernel.bpf_stats_enabled} on for a run and back to what it was after: the kernel then
 * times every BPF program run (two clock reads each, in every mode alike), which {@link
 * BpfProgramTime} reads. A system-wide switch, so it is only on when asked ({@code --bpf-stats}).
 */
final class BpfStats implements AutoCloseable {
  static final Path SWITCH = Path.of("/proc/sys/kernel/bpf_stats_enabled");

  private final String before;

  private BpfStats(String before) {
    this.before = before;
  }

  static BpfStats enable() {
    try {
      String before = Files.readString(SWITCH).trim();
      Files.writeString(SWITCH, "1");
      return new BpfStats(before);
    } catch (IOException e) {
      throw new IllegalStateException("turn on " + SWITCH + " (--bpf-stats needs root): "
          + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      Files.writeString(SWITCH, before);
    } catch (IOException e) {
      throw new IllegalStateException("restore " + SWITCH + " to " + before + ": "
          + e.getMessage(), e);
    }
  }
}
