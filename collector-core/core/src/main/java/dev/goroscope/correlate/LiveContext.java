package dev.goroscope.correlate;

import dev.goroscope.event.CancelReason;
import java.util.Arrays;

/**
 * One context with a deadline, from {@code WithDeadline} until its overrun check is done. Its
 * pointer is an identity only while it lives: once it ended it leaves the process's context
 * table, and the same pointer seen again is a new context.
 */
final class LiveContext extends AgeList.Node<LiveContext> {

  final ProcessTable process;
  final long ctx;
  final long parentCtx;
  final long creatorGoid;
  final long createdNs;
  final long deadlineUnixNs;
  long endedNs = -1;
  long cancellerGoid = -1;
  CancelReason reason;
  /** No longer live: ended, evicted or its process ended. Scope lists drop it. */
  boolean dead;
  /** Goroutines spawned into its scope while it was live. */
  private long[] scope = new long[4];
  private int scopeSize;

  LiveContext(
      ProcessTable process, long ctx, long parentCtx, long creatorGoid, long createdNs,
      long deadlineUnixNs) {
    this.process = process;
    this.ctx = ctx;
    this.parentCtx = parentCtx;
    this.creatorGoid = creatorGoid;
    this.createdNs = createdNs;
    this.deadlineUnixNs = deadlineUnixNs;
  }

  /**
   * Remembers {@code goid} as in scope; when full, first forgets goroutines that already exited.
   * Returns false when the goroutine could not be remembered.
   */
  boolean addToScope(long goid, int max) {
    if (scopeSize == scope.length) {
      if (scopeSize >= max) {
        compactScope();
        if (scopeSize >= max) {
          return false;
        }
      }
      if (scopeSize == scope.length) {
        scope = Arrays.copyOf(scope, Math.min(max, scope.length * 2));
      }
    }
    scope[scopeSize++] = goid;
    return true;
  }

  int scopeSize() {
    return scopeSize;
  }

  long scopeGoid(int i) {
    return scope[i];
  }

  /** The scope list is only needed until the overrun check. */
  void releaseScope() {
    scope = new long[0];
    scopeSize = 0;
  }

  private void compactScope() {
    int kept = 0;
    for (int i = 0; i < scopeSize; i++) {
      if (process.goroutines.get(scope[i]) != null) {
        scope[kept++] = scope[i];
      }
    }
    scopeSize = kept;
  }

  @Override
  public String toString() {
    return "context 0x" + Long.toHexString(ctx) + " of pid " + process.pid;
  }
}
