package dev.goroscope.snapshot;

import dev.goroscope.correlate.FoundGoroutine;

/**
 * One goroutine as read from the target's memory at attach time.
 *
 * @param goid goroutine id
 * @param parentGoid the creator's id (Go 1.21+), 0 when the binary has no such field
 * @param status {@code g.atomicstatus} without the GC-scan bit
 * @param waitReason the raw wait reason byte (meaningful when status is waiting)
 * @param creationPc {@code g.gopc}
 * @param startPc {@code g.startpc}
 */
public record SnapshotGoroutine(
    long goid, long parentGoid, int status, int waitReason, long creationPc, long startPc)
    implements FoundGoroutine {

  /** Go's _Grunnable. */
  public static final int STATUS_RUNNABLE = 1;
  /** Go's _Gwaiting. */
  public static final int STATUS_WAITING = 4;
  /** Go's _Gdead: ended (or never started); the g waits for reuse. */
  public static final int STATUS_DEAD = 6;

  @Override
  public boolean isWaiting() {
    return status == STATUS_WAITING;
  }

  /** Ended; only listed by {@link GoroutineSnapshot#readIncludingDead}. */
  public boolean isDead() {
    return status == STATUS_DEAD;
  }
}
