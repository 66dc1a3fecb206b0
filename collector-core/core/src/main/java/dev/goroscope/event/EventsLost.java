package dev.goroscope.event;

/**
 * Marker: the kernel dropped {@code count} events (ring buffer full) before this point. Later
 * stages must treat state in this window as incomplete, not wrong.
 */
public record EventsLost(long timestampNs, int pid, int tid, int cpu, long count)
    implements Event {

  @Override
  public void accept(EventVisitor v) {
    v.lost(this);
  }
}
