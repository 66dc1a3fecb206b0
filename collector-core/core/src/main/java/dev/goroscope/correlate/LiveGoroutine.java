package dev.goroscope.correlate;

import dev.goroscope.record.ContextEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * What the correlator holds for one live goroutine. Kept deliberately small (about 96 bytes with
 * compressed oops): names are not stored but looked up in the process's {@link SymbolCache} when a
 * record is built, and everything deep mode or contexts need hangs off lazily allocated fields.
 */
final class LiveGoroutine extends AgeList.Node<LiveGoroutine> {

  static final int PARENT_TRACED = 1;
  static final int ADOPTED = 1 << 1;
  static final int INCOMPLETE = 1 << 2;

  final ProcessTable process;
  final long goid;
  /** Creation details; not final only so a late creation event can complete an adopted one. */
  long parentGoid;
  long startPc;
  long creationPc;
  long startNs;
  /** Start of the open park, or -1 while running. */
  long parkedSinceNs = -1;
  int flags;
  /** Wait reason code of the open park. */
  int waitCode;
  /** Live deadline contexts whose scope this goroutine's future children join. */
  ScopeNode scope;
  ParkLog parks;
  List<ContextEvent> contextEvents;
  /** The first context whose deadline this goroutine overran, or null. */
  LiveContext overrunOf;

  LiveGoroutine(
      ProcessTable process, long goid, long parentGoid, long startPc, long creationPc,
      long startNs, int flags) {
    this.process = process;
    this.goid = goid;
    this.parentGoid = parentGoid;
    this.startPc = startPc;
    this.creationPc = creationPc;
    this.startNs = startNs;
    this.flags = flags;
  }

  boolean has(int flag) {
    return (flags & flag) != 0;
  }

  boolean isParked() {
    return parkedSinceNs >= 0;
  }

  /** Adds a context event, keeping the most recent {@code max}; false when one was dropped. */
  boolean addContextEvent(ContextEvent event, int max) {
    if (contextEvents == null) {
      contextEvents = new ArrayList<>(2);
    }
    boolean kept = true;
    if (contextEvents.size() >= max) {
      contextEvents.remove(0);
      kept = false;
    }
    contextEvents.add(event);
    return kept;
  }

  @Override
  public String toString() {
    return "goroutine " + goid + " of pid " + process.pid;
  }
}
