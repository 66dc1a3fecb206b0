package dev.goroscope.probe;

/** What a probe observes. */
public enum ProbeRole {
  /** A goroutine is created (child, parent, gopc, start PC). */
  GOROUTINE_CREATE,
  /** A goroutine exits. */
  GOROUTINE_EXIT,
  /** A context with a deadline is created. */
  CONTEXT_DEADLINE_SET,
  /** A context is cancelled (by its deadline or its cancel function). */
  CONTEXT_CANCEL,
  /** Not a probe: the address that identifies {@code context.DeadlineExceeded} in an itab. */
  DEADLINE_EXCEEDED_ERROR,
  /** A goroutine parks (deep set). */
  GOROUTINE_PARK,
  /** A goroutine is made runnable by another (deep set). */
  GOROUTINE_READY,
  /** Every status transition (optional; very hot). */
  GOROUTINE_STATUS
}
