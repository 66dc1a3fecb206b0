package dev.goroscope.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FoundOrderTest {

  /** A goroutine as a memory read finds it, running. */
  record Found(long goid, long parentGoid, long creationPc, long startPc)
      implements FoundGoroutine {
    @Override
    public boolean isWaiting() {
      return false;
    }

    @Override
    public int waitReason() {
      return 0;
    }
  }

  private static Found g(long goid, long parent) {
    return new Found(goid, parent, 0x1000, 0x2000);
  }

  @Test
  void everyParentPrecedesItsChildrenWhateverTheAllgsOrder() {
    // allgs order after g-struct reuse: grandchild, child, unrelated, main.
    List<Found> ordered =
        FoundOrder.parentsFirst(List.of(g(40, 33), g(33, 1), g(7, 0), g(1, 0)));
    assertThat(ordered).extracting(Found::goid).containsExactly(1L, 33L, 40L, 7L);
  }

  @Test
  void aLoopFromATornReadEndsAndKeepsEveryGoroutineOnce() {
    List<Found> ordered = FoundOrder.parentsFirst(List.of(g(5, 6), g(6, 5), g(9, 42)));
    assertThat(ordered).extracting(Found::goid).containsExactlyInAnyOrder(5L, 6L, 9L);
  }
}
