package dev.goroscope.event;

/**
 * A cancelable context was cancelled ({@code (*cancelCtx).cancel}).
 *
 * @param ctx the context's address (for a timerCtx the same pointer as in
 *     {@link ContextDeadlineSet#ctx()}, since cancelCtx is its first field)
 * @param goid the cancelling goroutine (the timer goroutine when the deadline fired)
 * @param reason why it was cancelled
 */
public record ContextCancelled(
    long timestampNs, int pid, int tid, int cpu, long ctx, long goid, CancelReason reason)
    implements Event {

  @Override
  public void accept(EventVisitor v) {
    v.cancelled(this);
  }
}
