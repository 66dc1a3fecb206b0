package dev.goroscope.attach;

import dev.goroscope.event.Event;
import dev.goroscope.event.GoroutineCreated;
import dev.goroscope.event.GoroutineExited;
import dev.goroscope.snapshot.SnapshotGoroutine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which goroutines read from memory around an attach the correlator should be told about, so
 * that every goroutine that lived while the probes were going live keeps its identity and none
 * is reported alive without an end (see {@code Attacher.startWatching}). Pure logic.
 */
final class AttachWindow {

  private AttachWindow() {}

  /**
   * @param before goroutines alive once the creation probe was live, before the others
   * @param after goroutines listed once every probe was live, dead ones (g not reused yet)
   *     included
   * @param early the events the probes caught up to the second read (and a little after)
   * @return the goroutines to report as found just after the attach began, none of them
   *     created by an event of {@code early}: those alive after (as read before when they
   *     were, for their wait state then); those whose exit is among the events (alive when
   *     found, ended by the event)
   */
  static List<SnapshotGoroutine> found(
      List<SnapshotGoroutine> before, List<SnapshotGoroutine> after, List<Event> early) {
    if (after.isEmpty()) {
      return before; // the second read failed (a Go process always has a goroutine)
    }
    Set<Long> exited = new HashSet<>();
    for (Event e : early) {
      if (e instanceof GoroutineExited x) {
        exited.add(x.goid());
      }
    }
    Set<Long> created = created(early);
    Map<Long, SnapshotGoroutine> first = new HashMap<>();
    for (SnapshotGoroutine g : before) {
      first.put(g.goid(), g);
    }
    List<SnapshotGoroutine> found = new ArrayList<>();
    Set<Long> listedAfter = new HashSet<>();
    for (SnapshotGoroutine g : after) {
      listedAfter.add(g.goid());
      if (created.contains(g.goid())) {
        continue; // its creation event says it all
      }
      SnapshotGoroutine earlier = first.get(g.goid());
      if (!g.isDead()) {
        found.add(earlier != null ? earlier : g); // as read first: its wait state then
      } else if (exited.contains(g.goid())) {
        // Ended while the exit probe watched: alive when found, ended by its exit event.
        found.add(earlier != null ? earlier : new SnapshotGoroutine(g.goid(), g.parentGoid(),
            SnapshotGoroutine.STATUS_RUNNABLE, 0, g.creationPc(), g.startPc()));
      }
    }
    for (SnapshotGoroutine g : before) {
      // Ended while watched, its g already reused by the second read.
      if (!listedAfter.contains(g.goid()) && exited.contains(g.goid())
          && !created.contains(g.goid())) {
        found.add(g);
      }
    }
    return found;
  }

  /**
   * Goroutines created while the probes were being attached (their creation event is among
   * {@code early}) and found waiting by the second read: they parked before the park probe was
   * live, so only the read says so (deep mode reports them waiting from the read's time).
   */
  static List<SnapshotGoroutine> waitingSinceBeforeTheParkProbe(
      List<SnapshotGoroutine> after, List<Event> early) {
    Set<Long> created = created(early);
    List<SnapshotGoroutine> waiting = new ArrayList<>();
    for (SnapshotGoroutine g : after) {
      if (created.contains(g.goid()) && g.isWaiting()) {
        waiting.add(g);
      }
    }
    return waiting;
  }

  /** The goids whose creation event is among {@code early}. */
  private static Set<Long> created(List<Event> early) {
    Set<Long> created = new HashSet<>();
    for (Event e : early) {
      if (e instanceof GoroutineCreated c) {
        created.add(c.goid());
      }
    }
    return created;
  }
}
