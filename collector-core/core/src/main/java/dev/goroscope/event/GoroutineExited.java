package dev.goroscope.event;

/** A goroutine finished ({@code runtime.goexit1} / {@code runtime.gdestroy}). */
public record GoroutineExited(long timestampNs, int pid, int tid, int cpu, long goid)
    implements Event {

  @Override
  public void accept(EventVisitor v) {
    v.exited(this);
  }
}
