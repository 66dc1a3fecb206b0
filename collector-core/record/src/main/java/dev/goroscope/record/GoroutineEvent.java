package dev.goroscope.record;

import java.util.Objects;

/**
 * Something that happened to a goroutine at one moment: a context deadline set, a park, a
 * wake-up, a channel operation, a mutex wait, an application span… Every kind of event is this
 * one type, so a new kind needs no new record type, builder field, mapper or JSON writer: it
 * becomes a span event named {@link #name()} with these attributes (span names of the
 * {@link Attr}s), and an entry {@code {"event":name,"ns":…, <json names>…}} of the goroutine's
 * {@code events} in JSON lines. Waits that last (mutex, syscall) carry their duration as an
 * attribute; {@link GoroutineEvents} holds the names and keys of the kinds goroscope emits.
 *
 * @param name the event name, {@code <namespace>.<what>}, e.g. {@code channel.send}
 * @param timestampNs when (CLOCK_MONOTONIC ns)
 * @param attributes its attributes
 */
public record GoroutineEvent(String name, long timestampNs, Attrs attributes) {

  public GoroutineEvent {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(attributes, "attributes");
  }

  public static GoroutineEvent of(String name, long timestampNs) {
    return new GoroutineEvent(name, timestampNs, Attrs.empty());
  }
}
