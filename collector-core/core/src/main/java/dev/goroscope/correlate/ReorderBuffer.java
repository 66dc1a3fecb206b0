package dev.goroscope.correlate;

/**
 * A bounded buffer of {@link Input}s kept sorted by timestamp, then by {@link Input#rank()} (so
 * that at one nanosecond a creation goes before what the new goroutine does), then by arrival.
 *
 * <p>A ring of flat arrays, sorted by insertion from the young end: events arrive almost in
 * order (disorder is a few events across CPUs), so an insertion moves past a handful of
 * entries and taking the oldest is O(1), cheaper than a heap's two log-n sifts per event. The
 * arrays grow on demand up to the capacity, so an idle correlator holds almost nothing.
 */
final class ReorderBuffer {

  private final int capacity;
  private long[] timestamps = new long[64];
  private long[] order = new long[64];
  private Input[] items = new Input[64];
  private int mask = 63;
  private int head;
  private int size;
  private long nextArrival;

  ReorderBuffer(int capacity) {
    this.capacity = capacity;
  }

  int size() {
    return size;
  }

  boolean isFull() {
    return size >= capacity;
  }

  /** Adds an item; the caller makes room first when {@link #isFull()}. */
  void add(Input item) {
    if (size == timestamps.length) {
      grow();
    }
    long timestampNs = item.timestampNs;
    long key = ((long) item.rank() << 55) | (nextArrival++ & ((1L << 55) - 1));
    int m = mask;
    int hole = (head + size) & m;
    // Shift younger entries one slot towards the tail until the item fits.
    for (int n = size; n > 0; n--) {
      int prev = (hole - 1) & m;
      long ts = timestamps[prev];
      if (ts < timestampNs || (ts == timestampNs && order[prev] < key)) {
        break;
      }
      timestamps[hole] = ts;
      order[hole] = order[prev];
      items[hole] = items[prev];
      hole = prev;
    }
    timestamps[hole] = timestampNs;
    order[hole] = key;
    items[hole] = item;
    size++;
  }

  /** Timestamp of the oldest item; only valid when not empty. */
  long peekTimestamp() {
    return timestamps[head];
  }

  /** Removes and returns the oldest item; only valid when not empty. */
  Input poll() {
    Input item = items[head];
    items[head] = null;
    head = (head + 1) & mask;
    size--;
    return item;
  }

  private void grow() {
    // Powers of two for the ring mask; isFull() keeps the count within the capacity.
    int grown = timestamps.length * 2;
    long[] t = new long[grown];
    long[] o = new long[grown];
    Input[] it = new Input[grown];
    for (int i = 0; i < size; i++) {
      int from = (head + i) & mask;
      t[i] = timestamps[from];
      o[i] = order[from];
      it[i] = items[from];
    }
    timestamps = t;
    order = o;
    items = it;
    mask = grown - 1;
    head = 0;
  }
}
