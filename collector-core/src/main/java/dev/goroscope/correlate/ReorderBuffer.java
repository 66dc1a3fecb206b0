package dev.goroscope.correlate;

import java.util.Arrays;

/**
 * A bounded min-heap of items ordered by timestamp, then by a small rank (so that at one
 * nanosecond a creation goes before what the new goroutine does), then by arrival; in flat
 * arrays that grow on demand up to the capacity, so an idle correlator holds almost nothing.
 */
final class ReorderBuffer {

  private final int capacity;
  private long[] timestamps = new long[64];
  private long[] sequence = new long[64];
  private Object[] items = new Object[64];
  private int size;
  private long nextSequence;

  ReorderBuffer(int capacity) {
    this.capacity = capacity;
  }

  int size() {
    return size;
  }

  boolean isFull() {
    return size >= capacity;
  }

  /**
   * Adds an item; the caller makes room first when {@link #isFull()}. {@code rank} (0-255)
   * orders items with equal timestamps, lower first.
   */
  void add(long timestampNs, int rank, Object item) {
    if (size == timestamps.length) {
      int grown = Math.min(capacity, size * 2);
      timestamps = Arrays.copyOf(timestamps, grown);
      sequence = Arrays.copyOf(sequence, grown);
      items = Arrays.copyOf(items, grown);
    }
    long seq = ((long) rank << 55) | (nextSequence++ & ((1L << 55) - 1));
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(timestampNs, seq, timestamps[parent], sequence[parent])) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    timestamps[i] = timestampNs;
    sequence[i] = seq;
    items[i] = item;
  }

  /** Timestamp of the oldest item; only valid when not empty. */
  long peekTimestamp() {
    return timestamps[0];
  }

  /** Removes and returns the oldest item; only valid when not empty. */
  Object poll() {
    Object top = items[0];
    int last = --size;
    long ts = timestamps[last];
    long seq = sequence[last];
    Object item = items[last];
    items[last] = null;
    if (last > 0) {
      int i = 0;
      while (true) {
        int child = 2 * i + 1;
        if (child >= last) {
          break;
        }
        int right = child + 1;
        if (right < last && less(timestamps[right], sequence[right], timestamps[child],
            sequence[child])) {
          child = right;
        }
        if (!less(timestamps[child], sequence[child], ts, seq)) {
          break;
        }
        move(child, i);
        i = child;
      }
      timestamps[i] = ts;
      sequence[i] = seq;
      items[i] = item;
    }
    return top;
  }

  private void move(int from, int to) {
    timestamps[to] = timestamps[from];
    sequence[to] = sequence[from];
    items[to] = items[from];
  }

  private static boolean less(long ts1, long seq1, long ts2, long seq2) {
    return ts1 < ts2 || (ts1 == ts2 && seq1 < seq2);
  }
}
