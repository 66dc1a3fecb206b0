package dev.goroscope.event;

/**
 * Deep mode: a goroutine parked ({@code runtime.gopark}).
 *
 * @param waitReason the raw {@code waitReason} byte; its meaning depends on the Go version
 *     (decode it with the binary's own {@code runtime.waitReasonStrings} or the per-version table)
 */
public record GoroutineParked(
    long timestampNs, int pid, int tid, int cpu, long goid, int waitReason)
    implements Event {

  @Override
  public void accept(EventVisitor v) {
    v.parked(this);
  }
}
