package dev.goroscope.correlate;

import dev.goroscope.event.MarkData;
import dev.goroscope.event.MarkKind;
import dev.goroscope.event.MarkSymbols;
import dev.goroscope.record.GoroutineEvent;
import java.util.List;

/**
 * The most recent {@link dev.goroscope.event.GoroutineMark}s of one goroutine (channel
 * operations, lock waits, system calls and any later kind), seven longs each — kind, time, four
 * payload words, the call sites picked from its stack — in a ring that grows on demand up to a
 * cap. Names are made only when a record is read ({@link #appendTo}).
 */
final class MarkLog {

  private static final int SLOTS = 7;
  private static final MarkKind[] KINDS = MarkKind.values();

  private long[] data = new long[2 * SLOTS];
  private int first;
  private int count;

  /**
   * Appends a mark; returns false when the oldest one had to be overwritten.
   *
   * @param sites two call site ids packed as {@link MarkKind#pack} does
   */
  boolean add(MarkKind kind, long timestampNs, long a, long b, long c, long d, long sites,
      int max) {
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
    data[at + 4] = c;
    data[at + 5] = d;
    data[at + 6] = sites;
    count++;
    return kept;
  }

  void appendTo(List<GoroutineEvent> out, MarkSymbols symbols) {
    int capacity = data.length / SLOTS;
    for (int i = 0; i < count; i++) {
      int at = ((first + i) % capacity) * SLOTS;
      MarkKind kind = KINDS[(int) data[at]];
      long sites = data[at + 6];
      MarkData m = new MarkData(data[at + 1], data[at + 2], data[at + 3], data[at + 4],
          data[at + 5], (int) (sites >>> 32), (int) sites);
      out.add(new GoroutineEvent(kind.eventName(), kind.eventTimeNs(m),
          kind.attributes(m, symbols)));
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
