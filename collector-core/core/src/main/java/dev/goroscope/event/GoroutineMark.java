package dev.goroscope.event;

import java.util.Objects;

/**
 * Something a goroutine did at one moment, of a {@link MarkKind}: a channel operation, and
 * whatever kinds are added later. One record for all of them, decoded from
 * {@code struct goroscope_goroutine_mark}.
 *
 * @param goid the goroutine
 * @param kind what it did
 * @param a first payload word (meaning per kind)
 * @param b second payload word (meaning per kind)
 */
public record GoroutineMark(
    long timestampNs, int pid, int tid, int cpu, long goid, MarkKind kind, long a, long b)
    implements Event {

  public GoroutineMark {
    Objects.requireNonNull(kind, "kind");
  }

  @Override
  public void accept(EventVisitor v) {
    v.mark(this);
  }
}
