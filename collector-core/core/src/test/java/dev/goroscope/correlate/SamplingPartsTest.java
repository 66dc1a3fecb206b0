package dev.goroscope.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The small parts that keep a sample of 100,000 goroutines cheap: counts in slots a goroutine
 * keeps as hints, the longest-blocked members picked without a sort, and the mark of the
 * sample that last listed a goroutine.
 */
class SamplingPartsTest {

  @Test
  void slotCountsSumPerSampleAndAcceptOnlyAHintThatHoldsTheSameKey() {
    SlotCounts<String> counts = new SlotCounts<>();
    String a = "chan receive";
    String b = "chan send";
    int sa = counts.slot(a);
    int sb = counts.slot(b, -1);
    assertThat(sb).isNotEqualTo(sa);
    assertThat(counts.slot(a, sb)).as("a hint holding another key is ignored").isEqualTo(sa);
    assertThat(counts.slot(new String(a), sa)).as("an equal key finds its slot").isEqualTo(sa);
    assertThat(counts.slot(a, 99)).as("a hint past the slots").isEqualTo(sa);
    counts.add(sa, 2);
    counts.add(sb, 5);
    counts.add(sa, 1);
    assertThat(counts.nonZero()).containsExactly(Map.entry(a, 3L), Map.entry(b, 5L));

    counts.reset();
    counts.add(counts.slot(b, sb), 1);
    assertThat(counts.nonZeroCounts()).containsExactly(Map.entry(b, 1));
  }

  @Test
  void slotCountsForgetTheirKeysPastTheCapAndOldHintsThenFail() {
    SlotCounts<Integer> counts = new SlotCounts<>();
    Integer first = 1_000_000;
    int slot = counts.slot(first);
    for (int i = 1; i < SlotCounts.MAX_KEYS; i++) {
      counts.add(counts.slot(i), 1);
    }
    counts.reset();
    Integer other = 2_000_000;
    int taken = counts.slot(other);
    assertThat(taken).as("slots are handed out from the start again").isEqualTo(slot);
    assertThat(counts.slot(first, slot)).as("the old hint now holds another key")
        .isNotEqualTo(slot);
    counts.add(taken, 4);
    assertThat(counts.nonZeroCounts()).containsExactly(Map.entry(other, 4));
  }

  @Property(tries = 300)
  void longestBlockedAreTheFirstOfAStableSortBySince(
      @ForAll @Size(max = 60) List<@LongRange(min = 0, max = 20) Long> since,
      @ForAll @IntRange(min = 1, max = 8) int n) {
    List<SampledGoroutine> members = new ArrayList<>();
    for (long s : since) {
      SampledGoroutine m = new SampledGoroutine();
      m.blockedSinceNs = s;
      members.add(m);
    }
    List<SampledGoroutine> sorted = new ArrayList<>(members);
    sorted.sort(Comparator.comparingLong(m -> m.blockedSinceNs));

    assertThat(LeakGroups.longestBlocked(members, n))
        .containsExactlyElementsOf(sorted.subList(0, Math.min(n, sorted.size())));
  }

  @Test
  void aGoroutineIsSeenOnlyInTheSampleThatMarkedItAcrossTheMarksWrap() {
    LiveGoroutine g = new LiveGoroutine(null, 7, 1, 0, 0, 0, LiveGoroutine.FOUND);
    assertThat(g.seenIn(0)).isFalse();
    assertThat(g.seenIn(1)).isFalse();
    for (int epoch : new int[] {1, 2, (1 << 24) - 2, (1 << 24) - 1, 1 << 24, -1,
        Integer.MAX_VALUE}) {
      g.markSeen(epoch);
      assertThat(g.seenIn(epoch)).isTrue();
      assertThat(g.seenIn(epoch + 1)).isFalse();
      assertThat(g.seenIn(epoch - 1)).isFalse();
      assertThat(g.has(LiveGoroutine.FOUND)).as("the other flags stay").isTrue();
      assertThat(g.has(LiveGoroutine.SAMPLED_END)).isFalse();
    }
  }
}
