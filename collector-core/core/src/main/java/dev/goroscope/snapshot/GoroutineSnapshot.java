package dev.goroscope.snapshot;

import dev.goroscope.process.ProcessMemory;
import dev.goroscope.sample.AllgsScan;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lists the goroutines alive in a process by reading {@code runtime.allgs} through {@code
 * /proc/PID/mem} — one bulk read at attach instead of a trap per goroutine. This is how
 * goroutines created before the sidecar attached (an HTTP server's accept loop, workers) appear
 * at all.
 *
 * <p>The read races with the running program: a goroutine may be half-initialised or reused
 * while we read. Entries with goid 0, in the dead/idle states, or without a start PC (the
 * goroutines of cgo's extra Ms) are skipped, and a g whose state or goid changed while read is
 * read again or left out; the result is a snapshot of one moment per goroutine, which is what
 * the correlator treats it as.
 */
public final class GoroutineSnapshot {

  private GoroutineSnapshot() {}

  /**
   * Reads the goroutine list (through {@link AllgsScan}, the sampler's reader of allgs).
   *
   * @param memory the target's memory
   * @param allgsAddress run-time address of the {@code runtime.allgs} slice header
   * @param offsets struct offsets keyed like {@code runtime.g.goid}; {@code runtime.g.goid},
   *     {@code runtime.g.atomicstatus}, {@code runtime.g.gopc} and {@code runtime.g.startpc} are
   *     required, {@code runtime.g.parentGoid} and {@code runtime.g.waitreason} optional
   * @throws dev.goroscope.GoroscopeException when a required offset is missing
   */
  public static List<LiveGoroutine> read(
      ProcessMemory memory, long allgsAddress, Map<String, Long> offsets) {
    List<LiveGoroutine> out = new ArrayList<>();
    AllgsScan.scan(memory, allgsAddress, offsets,
        (goid, parent, status, reason, gopc, startPc) ->
            out.add(new LiveGoroutine(goid, parent, status, reason, gopc, startPc)));
    return out;
  }

  /**
   * The same goroutines ordered so that every parent in the list comes before its children
   * (allgs is in no such order: dead g structs are reused for new goroutines). A parent/child
   * loop, which only a torn read could produce, is broken arbitrarily.
   */
  public static List<LiveGoroutine> parentsFirst(List<LiveGoroutine> goroutines) {
    Map<Long, LiveGoroutine> byGoid = new HashMap<>();
    goroutines.forEach(g -> byGoid.put(g.goid(), g));
    Set<Long> emitted = new HashSet<>();
    List<LiveGoroutine> out = new ArrayList<>(goroutines.size());
    ArrayDeque<LiveGoroutine> chain = new ArrayDeque<>();
    for (LiveGoroutine g : goroutines) {
      // Walk up to the oldest ancestor not yet emitted, then emit downwards.
      Set<Long> onChain = new HashSet<>();
      for (LiveGoroutine at = g; at != null && !emitted.contains(at.goid())
          && onChain.add(at.goid()); at = byGoid.get(at.parentGoid())) {
        chain.push(at);
      }
      while (!chain.isEmpty()) {
        LiveGoroutine next = chain.pop();
        emitted.add(next.goid());
        out.add(next);
      }
    }
    return out;
  }
}
