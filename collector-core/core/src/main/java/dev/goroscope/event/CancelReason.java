package dev.goroscope.event;

/** Why a context ended, recognised from the {@code err} argument's itab. */
public enum CancelReason {
  /** {@code context.DeadlineExceeded}: the deadline fired. */
  DEADLINE_EXCEEDED,
  /** {@code context.Canceled}: the cancel function was called. */
  CANCELED,
  /** An error the probe could not classify. */
  UNKNOWN
}
