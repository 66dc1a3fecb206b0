package dev.goroscope.record;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Names one piece of state a sink keeps per goroutine — the span sink's trace lineage, the
 * metrics sink's last state — stored on the goroutine itself ({@link Goroutine#attachment}),
 * so the correlator's table is the only goroutine table. Create keys once, as constants.
 *
 * @param <T> the type of the state
 */
public final class AttachmentKey<T> {

  private static final AtomicInteger NEXT = new AtomicInteger();

  private final String name;
  private final int index;

  private AttachmentKey(String name) {
    this.name = Objects.requireNonNull(name, "name");
    this.index = NEXT.getAndIncrement();
  }

  public static <T> AttachmentKey<T> create(String name) {
    return new AttachmentKey<>(name);
  }

  /** Dense index of this key, for array-backed storage. */
  public int index() {
    return index;
  }

  /** How many keys exist so far (an upper bound of {@link #index()} + 1). */
  public static int count() {
    return NEXT.get();
  }

  @Override
  public String toString() {
    return "AttachmentKey(" + name + ")";
  }
}
