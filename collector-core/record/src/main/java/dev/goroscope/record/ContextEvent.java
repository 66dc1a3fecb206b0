package dev.goroscope.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A context event of a goroutine ({@code context.*} {@link GoroutineEvent}s) in typed form: the
 * view {@link Goroutine#contextEvents()} gives and JSON lines' {@code contextEvents} array.
 *
 * @param kind what happened
 * @param timestampNs when (monotonic ns)
 * @param ctx the context's address
 * @param deadlineUnixNs the context's deadline (Unix epoch ns), or 0 if unknown
 */
public record ContextEvent(Kind kind, long timestampNs, long ctx, long deadlineUnixNs) {

  /** The kinds of context event; {@link #eventName()} is the event name. */
  public enum Kind {
    DEADLINE_SET(GoroutineEvents.CONTEXT_DEADLINE_SET),
    CANCELED(GoroutineEvents.CONTEXT_CANCELED),
    DEADLINE_EXCEEDED(GoroutineEvents.CONTEXT_DEADLINE_EXCEEDED);

    private final String eventName;

    Kind(String eventName) {
      this.eventName = eventName;
    }

    public String eventName() {
      return eventName;
    }

    static Kind of(String eventName) {
      for (Kind k : values()) {
        if (k.eventName.equals(eventName)) {
          return k;
        }
      }
      return null;
    }
  }

  public ContextEvent {
    Objects.requireNonNull(kind, "kind");
  }

  /** As a generic event (the form records carry). */
  public GoroutineEvent toEvent() {
    return new GoroutineEvent(kind.eventName(), timestampNs, Attrs.of(
        GoroutineEvents.CONTEXT_ADDRESS, ctx,
        GoroutineEvents.CONTEXT_DEADLINE_UNIX_NS, deadlineUnixNs > 0 ? deadlineUnixNs : null));
  }

  /** The context events among {@code events}, in order. */
  public static List<ContextEvent> of(List<GoroutineEvent> events) {
    List<ContextEvent> out = null;
    for (GoroutineEvent e : events) {
      Kind kind = Kind.of(e.name());
      if (kind == null) {
        continue;
      }
      Long address = e.attributes().get(GoroutineEvents.CONTEXT_ADDRESS);
      Long deadline = e.attributes().get(GoroutineEvents.CONTEXT_DEADLINE_UNIX_NS);
      if (out == null) {
        out = new ArrayList<>(2);
      }
      out.add(new ContextEvent(kind, e.timestampNs(),
          address == null ? 0 : address,
          deadline == null ? 0 : deadline));
    }
    return out == null ? List.of() : out;
  }
}
