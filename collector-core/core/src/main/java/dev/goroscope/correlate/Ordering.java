package dev.goroscope.correlate;

import dev.goroscope.event.Event;
import java.util.function.LongConsumer;

/**
 * Puts the inputs of all processes in timestamp order and keeps the stream time. Inputs wait
 * in a bounded {@link ReorderBuffer} until one {@code window} newer has arrived or the clock has
 * passed them; the stream time is the timestamp of the latest processed input (or the clock
 * minus the window), and everything downstream — grace periods, leak thresholds, partial
 * records — runs on it, so a replayed stream gives the same records as a live one.
 */
final class Ordering {

  static final long UNSET = Long.MIN_VALUE;

  private final long window;
  private final Counters counters;
  private final ReorderBuffer buffer;
  private final Input.RankOf rankOf = new Input.RankOf();
  /** Runs what is due at a time (the correlator's timers), before the input of that time. */
  private final LongConsumer timers;
  /** Processes one event or input in order (the correlator's dispatch). */
  private final Input.Handler process;
  private long newestSeenNs = UNSET;
  private long streamNs = UNSET;
  /** The input being processed is older than what was already processed. */
  private boolean late;

  Ordering(CorrelatorConfig config, Counters counters, LongConsumer timers,
      Input.Handler process) {
    this.window = config.reorderWindowNs();
    this.counters = counters;
    this.buffer = new ReorderBuffer(config.maxReorderEvents());
    this.timers = timers;
    this.process = process;
  }

  /** Orders a kernel event, counting it as early, late or in order. */
  void accept(Event event) {
    counters.eventsIn++;
    long ts = event.timestampNs();
    if (streamNs != UNSET && ts < streamNs) {
      counters.lateEvents++;
    } else if (ts < newestSeenNs) {
      counters.outOfOrderFixed++;
    }
    makeRoom();
    buffer.add(event, rankOf.of(event));
    arrived(ts);
  }

  /** Orders one of the correlator's own inputs. */
  void enqueue(Input item) {
    makeRoom();
    buffer.add(item);
    arrived(item.timestampNs);
  }

  private void makeRoom() {
    if (buffer.isFull()) {
      counters.reorderOverflows++;
      processNext();
    }
  }

  private void arrived(long ts) {
    if (ts > newestSeenNs) {
      newestSeenNs = ts;
    }
    releaseUpTo(newestSeenNs - window);
  }

  /** The clock reached {@code nowNs}: releases what is older than the window; returns the limit. */
  long advanceTo(long nowNs) {
    long limit = nowNs - window;
    releaseUpTo(limit);
    return limit;
  }

  /** After timers ran at {@code limit}: the stream time never goes back. */
  void settle(long limit) {
    if (streamNs == UNSET || limit > streamNs) {
      streamNs = limit;
    }
  }

  /** Processes everything still buffered. */
  void drain() {
    while (buffer.size() > 0) {
      processNext();
    }
  }

  long streamNs() {
    return streamNs;
  }

  /** Whether the input being processed is older than what was already processed. */
  boolean late() {
    return late;
  }

  int buffered() {
    return buffer.size();
  }

  private void releaseUpTo(long limit) {
    while (buffer.size() > 0 && buffer.peekTimestamp() <= limit) {
      processNext();
    }
  }

  /** Processes the oldest buffered item. */
  private void processNext() {
    long ts = buffer.peekTimestamp();
    timers.accept(ts);
    // Older than what was already processed: the state it lands on may be off, so whatever
    // goroutine it touches is marked incomplete.
    late = streamNs != UNSET && ts < streamNs;
    if (streamNs == UNSET || ts > streamNs) {
      streamNs = ts;
    }
    buffer.pollTo(process);
  }
}
