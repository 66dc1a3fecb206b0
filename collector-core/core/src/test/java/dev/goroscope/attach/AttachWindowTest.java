package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.event.Event;
import dev.goroscope.event.GoroutineCreated;
import dev.goroscope.event.GoroutineExited;
import dev.goroscope.snapshot.SnapshotGoroutine;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which goroutines read around an attach are reported, one case per way a goroutine lives. */
class AttachWindowTest {

  private static final int RUNNING = 2;
  private static final int WAITING = SnapshotGoroutine.STATUS_WAITING;
  private static final int DEAD = SnapshotGoroutine.STATUS_DEAD;

  @Test
  void aliveThroughoutIsReportedAsReadFirst() {
    SnapshotGoroutine first = g(1, WAITING);
    List<SnapshotGoroutine> found =
        AttachWindow.found(List.of(first), List.of(g(1, RUNNING)), List.of());
    assertThat(found).containsExactly(first);
  }

  @Test
  void readBeforeAndSeenToExitIsReportedForItsExitToEndIt() {
    SnapshotGoroutine first = g(2, RUNNING);
    assertThat(AttachWindow.found(List.of(first), List.of(g(2, DEAD)), List.of(exit(2))))
        .containsExactly(first);
    // Its g already reused by another goroutine when read again: still reported.
    assertThat(AttachWindow.found(List.of(first), List.of(g(99, RUNNING)), List.of(exit(2))))
        .extracting(SnapshotGoroutine::goid).containsExactlyInAnyOrder(2L, 99L);
  }

  @Test
  void readBeforeAndEndedUnseenIsLeftOutRatherThanAliveForever() {
    assertThat(AttachWindow.found(List.of(g(3, RUNNING)), List.of(g(3, DEAD)), List.of()))
        .isEmpty();
    assertThat(AttachWindow.found(List.of(g(3, RUNNING)), List.of(g(4, RUNNING)), List.of()))
        .extracting(SnapshotGoroutine::goid).containsExactly(4L);
  }

  @Test
  void aCreationEventBeatsAnyRead() {
    List<Event> early = List.of(created(5), exit(5), created(6));
    assertThat(AttachWindow.found(List.of(g(5, RUNNING)), List.of(g(5, DEAD), g(6, RUNNING)),
        early)).isEmpty();
  }

  @Test
  void endedBeforeTheSecondReadButNamedByItsDeadGIsReportedAlive() {
    List<SnapshotGoroutine> found =
        AttachWindow.found(List.of(g(1, RUNNING)), List.of(g(1, RUNNING), g(7, DEAD)),
            List.of(exit(7)));
    assertThat(found).extracting(SnapshotGoroutine::goid).containsExactlyInAnyOrder(1L, 7L);
    assertThat(found).filteredOn(g -> g.goid() == 7).singleElement()
        .satisfies(g -> assertThat(g.isDead()).isFalse())
        .satisfies(g -> assertThat(g.startPc()).isEqualTo(0x1000 + 7));
  }

  @Test
  void oldDeadGoroutinesAreNotReported() {
    assertThat(AttachWindow.found(List.of(g(1, RUNNING)), List.of(g(1, RUNNING), g(8, DEAD)),
        List.of())).extracting(SnapshotGoroutine::goid).containsExactly(1L);
  }

  @Test
  void aFailedSecondReadKeepsTheFirst() {
    List<SnapshotGoroutine> before = List.of(g(1, RUNNING), g(2, WAITING));
    assertThat(AttachWindow.found(before, List.of(), List.of())).isEqualTo(before);
  }

  private static SnapshotGoroutine g(long goid, int status) {
    return new SnapshotGoroutine(goid, 1, status, 0, 0x2000 + goid, 0x1000 + goid);
  }

  private static Event exit(long goid) {
    return new GoroutineExited(10, 1, 1, 0, goid);
  }

  private static Event created(long goid) {
    return new GoroutineCreated(10, 1, 1, 0, goid, 1, 0x2000, 0x1000);
  }
}
