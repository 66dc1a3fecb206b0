package dev.goroscope.correlate;

/**
 * A goroutine read from a target's memory rather than trapped: alive when read, its creation
 * unseen. What {@link Correlator#goroutinesFound} takes; the attach-time snapshot and the
 * sampler implement it.
 */
public interface FoundGoroutine {

  long goid();

  /** The creator's goid (Go 1.21+), 0 when the binary records none. */
  long parentGoid();

  /** {@code g.gopc}: the return address of the {@code go} statement. */
  long creationPc();

  /** {@code g.startpc}. */
  long startPc();

  /** Parked ({@code _Gwaiting}) when read. */
  boolean isWaiting();

  /** The raw wait reason byte, meaningful when {@link #isWaiting()}. */
  int waitReason();
}
