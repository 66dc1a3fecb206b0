package dev.goroscope.event;

/**
 * A goroutine was created (read at {@code runtime.newproc1}'s RET instructions).
 *
 * @param goid the new goroutine's id
 * @param parentGoid the creating goroutine's id (0 when created by the runtime on g0)
 * @param creationPc {@code g.gopc}: the return address of the {@code go} statement
 * @param startPc {@code g.startpc}: the entry PC of the goroutine's function (often a wrapper)
 */
public record GoroutineCreated(
    long timestampNs, int pid, int tid, int cpu, long goid, long parentGoid, long creationPc,
    long startPc)
    implements Event {

  @Override
  public void accept(EventVisitor v) {
    v.created(this);
  }
}
