package dev.goroscope.correlate;

import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.ParkInterval;
import java.util.List;

/**
 * Deep mode: the most recent (closed) park intervals of one goroutine, three longs each in a ring that
 * grows on demand up to a cap. Only goroutines that park pay for one.
 */
final class ParkLog {

  private static final int SLOTS = 3;
  private static final int INITIAL_PARKS = 2;

  private long[] data = new long[INITIAL_PARKS * SLOTS];
  private int first;
  private int count;

  /** Appends a closed interval; returns false when the oldest one had to be overwritten. */
  boolean add(long startNs, long endNs, int waitCode, long wakerGoid, int maxParks) {
    int capacity = data.length / SLOTS;
    boolean kept = true;
    if (count == capacity) {
      if (capacity < maxParks) {
        grow(Math.min(maxParks, capacity * 2));
        capacity = data.length / SLOTS;
      } else {
        first = (first + 1) % capacity;
        count--;
        kept = false;
      }
    }
    int at = ((first + count) % capacity) * SLOTS;
    data[at] = startNs;
    data[at + 1] = endNs;
    // The waker goid (-1, 0 or a real id, far below 2^55) shares a slot with the 8-bit code.
    data[at + 2] = (wakerGoid << 8) | (waitCode & 0xff);
    count++;
    return kept;
  }

  int size() {
    return count;
  }

  /** Appends each interval as its park and ready events, oldest first. */
  void appendTo(List<GoroutineEvent> out, SymbolCache symbols) {
    int capacity = data.length / SLOTS;
    for (int i = 0; i < count; i++) {
      int at = ((first + i) % capacity) * SLOTS;
      int code = (int) (data[at + 2] & 0xff);
      long waker = data[at + 2] >> 8;
      new ParkInterval(data[at], data[at + 1], code, symbols.waitReason(code), waker)
          .addEvents(out);
    }
  }

  private void grow(int parks) {
    int capacity = data.length / SLOTS;
    long[] bigger = new long[parks * SLOTS];
    for (int i = 0; i < count; i++) {
      System.arraycopy(data, ((first + i) % capacity) * SLOTS, bigger, i * SLOTS, SLOTS);
    }
    data = bigger;
    first = 0;
  }
}
