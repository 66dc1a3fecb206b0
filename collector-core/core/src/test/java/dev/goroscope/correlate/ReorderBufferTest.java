package dev.goroscope.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.correlate.Input.Found;
import dev.goroscope.correlate.Input.ProcessEnd;
import dev.goroscope.correlate.Input.ProcessStart;
import dev.goroscope.event.AppSpan;
import dev.goroscope.event.ContextCancelled;
import dev.goroscope.event.ContextDeadlineSet;
import dev.goroscope.event.EventsLost;
import dev.goroscope.event.GoroutineCreated;
import dev.goroscope.event.GoroutineExited;
import dev.goroscope.event.GoroutineMark;
import dev.goroscope.event.GoroutineParked;
import dev.goroscope.event.GoroutineReadied;
import dev.goroscope.event.MarkKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class ReorderBufferTest {

  /** An input carrying {timestamp, rank, arrival}. */
  static final class Item extends Input {
    final long[] item;

    Item(long[] item) {
      super(item[0]);
      this.item = item;
    }

    @Override
    int rank() {
      return (int) item[1];
    }

    @Override
    void dispatch(Handler h) {
      ((Polled) h).items.add(item);
    }
  }

  /** Collects what the buffer hands out: inputs as themselves, events by their arrival (b). */
  static final class Polled implements Input.Handler {
    final List<long[]> items = new ArrayList<>();
    final List<long[]> added;

    Polled(List<long[]> added) {
      this.added = added;
    }

    @Override
    public void mark(GoroutineMark e) {
      items.add(added.get((int) e.b()));
    }

    // Other kinds are never added here.
    @Override
    public void created(GoroutineCreated e) {
      throw new AssertionError(e);
    }

    @Override
    public void exited(GoroutineExited e) {
      throw new AssertionError(e);
    }

    @Override
    public void parked(GoroutineParked e) {
      throw new AssertionError(e);
    }

    @Override
    public void readied(GoroutineReadied e) {
      throw new AssertionError(e);
    }

    @Override
    public void deadlineSet(ContextDeadlineSet e) {
      throw new AssertionError(e);
    }

    @Override
    public void cancelled(ContextCancelled e) {
      throw new AssertionError(e);
    }

    @Override
    public void lost(EventsLost e) {
      throw new AssertionError(e);
    }

    @Override
    public void appSpan(AppSpan e) {
      throw new AssertionError(e);
    }

    @Override
    public void processStarted(ProcessStart s) {
      throw new AssertionError(s);
    }

    @Override
    public void processEnded(ProcessEnd e) {
      throw new AssertionError(e);
    }

    @Override
    public void goroutinesFound(Found f) {
      throw new AssertionError(f);
    }
  }

  /**
   * {timestamp, rank, arrival}; every other item is a kernel event (its arrival in the payload),
   * the rest the correlator's own inputs, so both kinds are ordered together.
   */
  @Property(tries = 300)
  void pollsInTimestampThenRankThenArrivalOrder(
      @ForAll @Size(max = 500) List<@IntRange(min = 0, max = 40) Integer> timestamps,
      @ForAll @Size(max = 500) List<@IntRange(min = 0, max = 4) Integer> ranks,
      @ForAll @IntRange(min = 1, max = 600) int capacity) {
    ReorderBuffer buffer = new ReorderBuffer(capacity);
    List<long[]> added = new ArrayList<>();
    Polled polled = new Polled(added);
    for (int i = 0; i < timestamps.size(); i++) {
      long[] item = {timestamps.get(i), i < ranks.size() ? ranks.get(i) : 2, i};
      if (buffer.isFull()) {
        buffer.pollTo(polled);
      }
      added.add(item);
      if (i % 2 == 0) {
        buffer.add(new Item(item));
      } else {
        buffer.add(new GoroutineMark(item[0], 1, 1, 0, 1, MarkKind.CHANNEL_SEND, 0, i),
            (int) item[1]);
      }
      assertThat(buffer.size()).isLessThanOrEqualTo(capacity);
    }
    while (buffer.size() > 0) {
      long peek = buffer.peekTimestamp();
      int before = polled.items.size();
      buffer.pollTo(polled);
      assertThat(polled.items).hasSize(before + 1);
      assertThat(polled.items.get(before)[0]).isEqualTo(peek);
    }
    assertThat(polled.items).hasSameSizeAs(added);
    if (timestamps.size() <= capacity) {
      // Nothing was forced out early: the whole sequence comes out sorted.
      List<long[]> expected = new ArrayList<>(added);
      expected.sort(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1])
          .thenComparingLong(a -> a[2]));
      assertThat(polled.items).containsExactlyElementsOf(expected);
    }
  }
}
