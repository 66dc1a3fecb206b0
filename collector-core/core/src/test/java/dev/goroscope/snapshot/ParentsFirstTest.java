package dev.goroscope.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParentsFirstTest {

  private static LiveGoroutine g(long goid, long parent) {
    return new LiveGoroutine(goid, parent, 4, 0, 0x1000, 0x2000);
  }

  @Test
  void everyParentPrecedesItsChildrenWhateverTheAllgsOrder() {
    // allgs order after g-struct reuse: grandchild, child, unrelated, main.
    List<LiveGoroutine> ordered =
        GoroutineSnapshot.parentsFirst(List.of(g(40, 33), g(33, 1), g(7, 0), g(1, 0)));
    assertThat(ordered).extracting(LiveGoroutine::goid).containsExactly(1L, 33L, 40L, 7L);
  }

  @Test
  void aLoopFromATornReadEndsAndKeepsEveryGoroutineOnce() {
    List<LiveGoroutine> ordered =
        GoroutineSnapshot.parentsFirst(List.of(g(5, 6), g(6, 5), g(9, 42)));
    assertThat(ordered).extracting(LiveGoroutine::goid).containsExactlyInAnyOrder(5L, 6L, 9L);
  }
}
