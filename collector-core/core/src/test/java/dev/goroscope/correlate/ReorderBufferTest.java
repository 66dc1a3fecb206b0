package dev.goroscope.correlate;

import static org.assertj.core.api.Assertions.assertThat;

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
      throw new UnsupportedOperationException("not dispatched in this test");
    }
  }

  /** {timestamp, rank, arrival}. */
  @Property(tries = 300)
  void pollsInTimestampThenRankThenArrivalOrder(
      @ForAll @Size(max = 500) List<@IntRange(min = 0, max = 40) Integer> timestamps,
      @ForAll @Size(max = 500) List<@IntRange(min = 0, max = 4) Integer> ranks,
      @ForAll @IntRange(min = 1, max = 600) int capacity) {
    ReorderBuffer buffer = new ReorderBuffer(capacity);
    List<long[]> added = new ArrayList<>();
    List<long[]> polled = new ArrayList<>();
    for (int i = 0; i < timestamps.size(); i++) {
      long[] item = {timestamps.get(i), i < ranks.size() ? ranks.get(i) : 2, i};
      if (buffer.isFull()) {
        polled.add(((Item) buffer.poll()).item);
      }
      buffer.add(new Item(item));
      added.add(item);
      assertThat(buffer.size()).isLessThanOrEqualTo(capacity);
    }
    while (buffer.size() > 0) {
      long peek = buffer.peekTimestamp();
      long[] item = ((Item) buffer.poll()).item;
      assertThat(item[0]).isEqualTo(peek);
      polled.add(item);
    }
    assertThat(polled).hasSameSizeAs(added);
    if (timestamps.size() <= capacity) {
      // Nothing was forced out early: the whole sequence comes out sorted.
      List<long[]> expected = new ArrayList<>(added);
      expected.sort(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1])
          .thenComparingLong(a -> a[2]));
      assertThat(polled).containsExactlyElementsOf(expected);
    }
  }
}
