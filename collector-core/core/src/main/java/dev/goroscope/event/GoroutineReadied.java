package dev.goroscope.event;

/**
 * Deep mode: a parked goroutine was made runnable ({@code runtime.ready}).
 *
 * @param goid the woken goroutine
 * @param wakerGoid the goroutine that woke it; 0 when woken by the scheduler, a timer or the
 *     netpoller (no user goroutine on the M)
 */
public record GoroutineReadied(
    long timestampNs, int pid, int tid, int cpu, long goid, long wakerGoid)
    implements Event {

  @Override
  public void accept(EventVisitor v) {
    v.readied(this);
  }
}
