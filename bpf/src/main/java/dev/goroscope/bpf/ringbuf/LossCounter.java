package dev.goroscope.bpf.ringbuf;

import dev.goroscope.bpf.BpfMap;

/**
 * Reads a per-CPU u64 counter of records the BPF side could not reserve (ring full), as
 * goroscope.bpf.c's {@code lost} map counts them. Not thread-safe.
 */
public final class LossCounter {
  private final BpfMap map;
  private long reported;

  private LossCounter(BpfMap map) {
    if (map.type() != BpfMap.TYPE_PERCPU_ARRAY || map.valueSize() != Long.BYTES) {
      throw new IllegalArgumentException("map " + map.name() + " is not a per-CPU u64 array");
    }
    this.map = map;
  }

  /** Counter at slot 0 of {@code map}. */
  public static LossCounter of(BpfMap map) {
    return new LossCounter(map);
  }

  /** Total losses since load. */
  public long total() {
    return map.sumPerCpuLongs(0);
  }

  /** Losses since the previous call (since load for the first call). */
  public long newLosses() {
    long total = total();
    long delta = total - reported;
    reported = total;
    return delta;
  }
}
