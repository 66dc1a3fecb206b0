package dev.goroscope.snapshot;

import dev.goroscope.process.ProcessMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * goroutines of cgo's extra Ms) are skipped; the result is a best-effort snapshot, which is
 * what the correlator treats it as.
 */
public final class GoroutineSnapshot {

  /** Refuse absurd lengths read from a torn slice header. */
  static final long MAX_GOROUTINES = 10_000_000;

  private static final int STATUS_IDLE = 0;
  private static final int STATUS_DEAD = SnapshotGoroutine.STATUS_DEAD;
  private static final int SCAN_BIT = 0x1000;

  private GoroutineSnapshot() {}

  /**
   * Reads the goroutine list.
   *
   * @param memory the target's memory
   * @param allgsAddress run-time address of the {@code runtime.allgs} slice header
   * @param offsets struct offsets keyed like {@code runtime.g.goid}; {@code runtime.g.goid},
   *     {@code runtime.g.atomicstatus}, {@code runtime.g.gopc} and {@code runtime.g.startpc} are
   *     required, {@code runtime.g.parentGoid} and {@code runtime.g.waitreason} optional
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
    long goidOff = required(offsets, "runtime.g.goid");
    long statusOff = required(offsets, "runtime.g.atomicstatus");
    long gopcOff = required(offsets, "runtime.g.gopc");
    long startpcOff = required(offsets, "runtime.g.startpc");
    long parentOff = offsets.getOrDefault("runtime.g.parentGoid", -1L);
    long reasonOff = offsets.getOrDefault("runtime.g.waitreason", -1L);
    long span = Math.max(Math.max(goidOff, statusOff), Math.max(gopcOff, startpcOff));
    span = Math.max(span, Math.max(parentOff, reasonOff)) + 8;

    long array = memory.readLong(allgsAddress, 0);
    long length = memory.readLong(allgsAddress + 8, 0);
    if (array == 0 || length <= 0 || length > MAX_GOROUTINES) {
      return List.of();
    }
    ByteBuffer pointers = ByteBuffer.allocate((int) (length * 8)).order(ByteOrder.LITTLE_ENDIAN);
    if (!memory.read(array, pointers)) {
      return List.of();
    }
    ByteBuffer g = ByteBuffer.allocate((int) span).order(ByteOrder.LITTLE_ENDIAN);
    List<SnapshotGoroutine> out = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      long gp = pointers.getLong(i * 8);
      g.clear();
      if (gp == 0 || !memory.read(gp, g)) {
        continue;
      }
      long goid = g.getLong((int) goidOff);
      int status = g.getInt((int) statusOff) & ~SCAN_BIT;
      long startPc = g.getLong((int) startpcOff);
      // startpc 0: the goroutine of a cgo extra M (it runs callbacks, has no Go function).
      if (goid <= 0 || status == STATUS_IDLE || (status == STATUS_DEAD && !dead)
          || startPc == 0) {
        continue;
      }
      out.add(
          new SnapshotGoroutine(
              goid,
              parentOff >= 0 ? g.getLong((int) parentOff) : 0,
              status,
              reasonOff >= 0 ? g.get((int) reasonOff) & 0xff : 0,
              g.getLong((int) gopcOff),
              startPc));
    }
    return out;
  }


  private static long required(Map<String, Long> offsets, String key) {
    Long value = offsets.get(key);
    if (value == null) {
      throw new IllegalArgumentException("offset " + key + " is required");
    }
    return value;
  }
}
