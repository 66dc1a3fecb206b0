package dev.goroscope.record;

import java.util.List;

/**
 * One context with a deadline, from creation to cancellation (or to flush while it lives).
 *
 * @param pid the process
 * @param ctx the context's address; an identity only for the context's lifetime
 * @param parentCtx the parent context's address, 0 when unknown
 * @param creatorGoid the goroutine that created it
 * @param createdNs creation time (monotonic ns)
 * @param deadlineUnixNs the deadline (Unix epoch ns)
 * @param endedNs when it was cancelled or its deadline fired (monotonic ns), -1 while live
 * @param cancellerGoid the goroutine that cancelled it (the timer goroutine for a deadline), -1
 *     while live
 * @param reason why it ended, null while live
 * @param overrunGoids goroutines in its scope that overran its deadline
 */
public record ContextRecord(
    int pid,
    long ctx,
    long parentCtx,
    long creatorGoid,
    long createdNs,
    long deadlineUnixNs,
    long endedNs,
    long cancellerGoid,
    EndReason reason,
    List<Long> overrunGoids) {

  /** Why a context ended. */
  public enum EndReason {
    DEADLINE_EXCEEDED("deadline_exceeded"),
    CANCELED("canceled");

    private final String attributeValue;

    EndReason(String attributeValue) {
      this.attributeValue = attributeValue;
    }

    /** The value used in attributes and JSON. */
    public String attributeValue() {
      return attributeValue;
    }
  }

  public ContextRecord {
    overrunGoids = List.copyOf(overrunGoids);
  }

  public boolean isLive() {
    return endedNs < 0;
  }
}
