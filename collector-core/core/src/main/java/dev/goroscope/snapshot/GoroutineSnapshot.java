package dev.goroscope.snapshot;

import dev.goroscope.process.ProcessMemory;
import dev.goroscope.sample.AllgsScan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
  public static List<SnapshotGoroutine> read(
      ProcessMemory memory, long allgsAddress, Map<String, Long> offsets) {
    return read(memory, allgsAddress, offsets, false);
  }

  /**
   * As {@link #read(ProcessMemory, long, Map)}, plus the dead goroutines whose {@code g} was
   * not reused yet (status {@link SnapshotGoroutine#STATUS_DEAD}): a g keeps its goid, start
   * PC and creation PC until the runtime hands it to a new goroutine, so a goroutine that just
   * ended can still be named.
   */
  public static List<SnapshotGoroutine> readIncludingDead(
      ProcessMemory memory, long allgsAddress, Map<String, Long> offsets) {
    return read(memory, allgsAddress, offsets, true);
  }

  private static List<SnapshotGoroutine> read(
      ProcessMemory memory, long allgsAddress, Map<String, Long> offsets, boolean dead) {
    List<SnapshotGoroutine> out = new ArrayList<>();
    AllgsScan.scan(memory, allgsAddress, offsets, dead,
        (goid, parent, status, reason, gopc, startPc) ->
            out.add(new SnapshotGoroutine(goid, parent, status, reason, gopc, startPc)));
    return out;
  }
}
