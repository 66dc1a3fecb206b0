package dev.goroscope.record;

/** The state a goroutine record ends in. */
public enum GoroutineState {
  /** Still alive when the record was flushed, last seen running or runnable. */
  RUNNING,
  /** Still alive when the record was flushed, parked (deep mode) in a wait. */
  WAITING,
  /** The goroutine exited. */
  EXITED,
  /** The process ended while the goroutine was alive. */
  PROCESS_EXITED;

  /** Made once: every span and JSON line asks for it. */
  private final String attributeValue = name().toLowerCase(java.util.Locale.ROOT);

  /** The lower-case name used in attributes and JSON ({@code running}, {@code exited} …). */
  public String attributeValue() {
    return attributeValue;
  }
}
