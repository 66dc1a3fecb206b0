package dev.goroscope.correlate;

import dev.goroscope.event.Event;

/**
 * A bounded buffer of kernel events and the correlator's own {@link Input}s, kept sorted by
 * timestamp, then by rank (so that at one nanosecond a creation goes before what the new
 * goroutine does), then by arrival. Events are held as they are, in an array of their own next
 * to the inputs' (one of the two is set per slot): no wrapper object per event on the hot path.
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
  private Event[] events = new Event[64];
  private Input[] inputs = new Input[64];
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

  /** Adds a kernel event of {@code rank}; the caller makes room first when {@link #isFull()}. */
  void add(Event event, int rank) {
    insert(event.timestampNs(), rank, event, null);
  }

  /** Adds one of the correlator's inputs; the caller makes room first when {@link #isFull()}. */
  void add(Input input) {
    insert(input.timestampNs, input.rank(), null, input);
  }

  private void insert(long timestampNs, int rank, Event event, Input input) {
    if (size == timestamps.length) {
      grow();
    }
    long key = ((long) rank << 55) | (nextArrival++ & ((1L << 55) - 1));
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
      events[hole] = events[prev];
      inputs[hole] = inputs[prev];
      hole = prev;
    }
    timestamps[hole] = timestampNs;
    order[hole] = key;
    events[hole] = event;
    inputs[hole] = input;
    size++;
  }

  /** Timestamp of the oldest item; only valid when not empty. */
  long peekTimestamp() {
    return timestamps[head];
  }

  /**
   * Removes the oldest item and hands it to {@code to}: an event to its visitor method, an input
   * to its handler method. Only valid when not empty.
   */
  void pollTo(Input.Handler to) {
    Event event = events[head];
    Input input = inputs[head];
    events[head] = null;
    inputs[head] = null;
    head = (head + 1) & mask;
    size--;
    if (event != null) {
      event.accept(to);
    } else {
      input.dispatch(to);
    }
  }

  private void grow() {
    // Powers of two for the ring mask; isFull() keeps the count within the capacity.
    int grown = timestamps.length * 2;
    long[] t = new long[grown];
    long[] o = new long[grown];
    Event[] e = new Event[grown];
    Input[] in = new Input[grown];
    for (int i = 0; i < size; i++) {
      int from = (head + i) & mask;
      t[i] = timestamps[from];
      o[i] = order[from];
      e[i] = events[from];
      in[i] = inputs[from];
    }
    timestamps = t;
    order = o;
    events = e;
    inputs = in;
    mask = grown - 1;
    head = 0;
  }
}
