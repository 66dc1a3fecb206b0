package dev.goroscope.event;

/**
 * A context with a deadline was created ({@code context.WithDeadline} /
 * {@code WithDeadlineCause}, which {@code WithTimeout} calls).
 *
 * @param ctx address of the new {@code *context.timerCtx}; an identity only while it lives
 * @param parentCtx the parent context's data pointer (0 when not known)
 * @param deadlineUnixNs the deadline as Unix epoch nanoseconds
 * @param goid the goroutine that created the context
 */
public record ContextDeadlineSet(
    long timestampNs, int pid, int tid, int cpu, long ctx, long parentCtx, long deadlineUnixNs,
    long goid)
    implements Event {

  @Override
  public void accept(EventVisitor v) {
    v.deadlineSet(this);
  }
}
