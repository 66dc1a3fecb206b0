package dev.goroscope.record;

import java.util.Objects;

/**
 * Something that happened to a context, attached to the goroutine that did it.
 *
 * @param kind what happened
 * @param timestampNs when (monotonic ns)
 * @param ctx the context's address, as hex-able long
 * @param deadlineUnixNs the context's deadline (Unix epoch ns), or 0 if unknown
 */
public record ContextEvent(Kind kind, long timestampNs, long ctx, long deadlineUnixNs) {

  /** The kinds of context event; {@link #eventName()} is the span event name. */
  public enum Kind {
    DEADLINE_SET("context.deadline_set"),
    CANCELED("context.canceled"),
    DEADLINE_EXCEEDED("context.deadline_exceeded");

    private final String eventName;

    Kind(String eventName) {
      this.eventName = eventName;
    }

    public String eventName() {
      return eventName;
    }
  }

  public ContextEvent {
    Objects.requireNonNull(kind, "kind");
  }
}
