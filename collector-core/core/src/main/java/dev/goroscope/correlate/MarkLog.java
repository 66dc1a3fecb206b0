package dev.goroscope.correlate;

import dev.goroscope.event.MarkKind;
import dev.goroscope.event.MarkSymbols;
import dev.goroscope.record.GoroutineEvent;
import java.util.List;

/**
 * The most recent {@link dev.goroscope.event.GoroutineMark}s of one goroutine (channel
 * operations and any later kind), four longs each in a ring that grows on demand up to a cap.
 * Names are made only when a record is read ({@link #appendTo}).
 */
final class MarkLog {

  private static final int SLOTS = 4;
  private static final MarkKind[] KINDS = MarkKind.values();

  private long[] data = new long[2 * SLOTS];
  private int first;
  private int count;

  /** Appends a mark; returns false when the oldest one had to be overwritten. */
  boolean add(MarkKind kind, long timestampNs, long a, long b, int max) {
    int capacity = data.length / SLOTS;
    boolean kept = true;
    if (count == capacity) {
      if (capacity < max) {
        grow(Math.min(max, capacity * 2));
        capacity = data.length / SLOTS;
      } else {
        first = (first + 1) % capacity;
        count--;
        kept = false;
      }
    }
    int at = ((first + count) % capacity) * SLOTS;
    data[at] = kind.ordinal();
    data[at + 1] = timestampNs;
    data[at + 2] = a;
    data[at + 3] = b;
    count++;
    return kept;
  }

  void appendTo(List<GoroutineEvent> out, MarkSymbols symbols) {
    int capacity = data.length / SLOTS;
    for (int i = 0; i < count; i++) {
      int at = ((first + i) % capacity) * SLOTS;
      MarkKind kind = KINDS[(int) data[at]];
      out.add(new GoroutineEvent(kind.eventName(), data[at + 1],
          kind.attributes(data[at + 2], data[at + 3], symbols)));
    }
  }

  private void grow(int marks) {
    int capacity = data.length / SLOTS;
    long[] bigger = new long[marks * SLOTS];
    for (int i = 0; i < count; i++) {
      System.arraycopy(data, ((first + i) % capacity) * SLOTS, bigger, i * SLOTS, SLOTS);
    }
    data = bigger;
    first = 0;
  }
}
