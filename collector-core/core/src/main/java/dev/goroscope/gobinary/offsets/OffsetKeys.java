package dev.goroscope.gobinary.offsets;

import java.util.ArrayList;
import java.util.List;

/**
 * The struct fields goroscope reads — in its BPF programs (the probe catalog says which program
 * reads which) and in the target's memory (the attach-time snapshot) — keyed
 * {@code <struct type>.<member>} such as {@code runtime.g.goid}, with the Go minor version from
 * which each field exists. Read from DWARF or the built-in table; a field nothing reads does not
 * belong here.
 */
public final class OffsetKeys {

  public static final String G_GOID = "runtime.g.goid";
  public static final String G_PARENT_GOID = "runtime.g.parentGoid";
  public static final String G_ATOMICSTATUS = "runtime.g.atomicstatus";
  public static final String G_WAITREASON = "runtime.g.waitreason";
  public static final String G_GOPC = "runtime.g.gopc";
  public static final String G_STARTPC = "runtime.g.startpc";
  public static final String G_M = "runtime.g.m";
  public static final String M_CURG = "runtime.m.curg";
  public static final String TIMERCTX_CANCELCTX = "context.timerCtx.cancelCtx";
  public static final String TIMERCTX_DEADLINE = "context.timerCtx.deadline";
  public static final String CANCELCTX_CONTEXT = "context.cancelCtx.Context";
  public static final String CANCELCTX_ERR = "context.cancelCtx.err";
  public static final String TIME_WALL = "time.Time.wall";
  public static final String TIME_EXT = "time.Time.ext";
  public static final String HCHAN_QCOUNT = "runtime.hchan.qcount";
  public static final String HCHAN_DATAQSIZ = "runtime.hchan.dataqsiz";
  // Runtime events (stop-the-world, syscalls, mutex contention).
  public static final String P_STATUS = "runtime.p.status";
  public static final String P_M = "runtime.p.m";
  public static final String M_PREEMPTOFF = "runtime.m.preemptoff";
  public static final String G_LOCKEDM = "runtime.g.lockedm";
  public static final String RWMUTEX_WRITER_SEM = "sync.RWMutex.writerSem";
  public static final String RWMUTEX_READER_SEM = "sync.RWMutex.readerSem";

  /**
   * One field.
   *
   * @param struct the Go type name as DWARF spells it
   * @param member the member name
   * @param sinceMinor the first Go minor version (e.g. 21 for 1.21) that has the field
   */
  public record Field(String struct, String member, int sinceMinor) {
    public String key() {
      return struct + "." + member;
    }
  }

  /** Every field, in table order. */
  public static final List<Field> FIELDS = List.of(
      new Field("runtime.g", "m", 0),
      new Field("runtime.g", "atomicstatus", 0),
      new Field("runtime.g", "goid", 0),
      new Field("runtime.g", "waitreason", 0),
      new Field("runtime.g", "parentGoid", 21),
      new Field("runtime.g", "gopc", 0),
      new Field("runtime.g", "startpc", 0),
      new Field("runtime.m", "curg", 0),
      new Field("runtime.hchan", "qcount", 0),
      new Field("runtime.hchan", "dataqsiz", 0),
      new Field("context.timerCtx", "cancelCtx", 0),
      new Field("context.timerCtx", "deadline", 0),
      new Field("context.cancelCtx", "Context", 0),
      new Field("context.cancelCtx", "err", 0),
      new Field("time.Time", "wall", 0),
      new Field("time.Time", "ext", 0),
      new Field("runtime.p", "status", 0),
      new Field("runtime.p", "m", 0),
      new Field("runtime.m", "preemptoff", 0),
      new Field("runtime.g", "lockedm", 0),
      new Field("sync.RWMutex", "writerSem", 0),
      new Field("sync.RWMutex", "readerSem", 0));

  private OffsetKeys() {}

  /** The struct type names whose layouts are read. */
  public static List<String> structs() {
    List<String> out = new ArrayList<>();
    for (Field f : FIELDS) {
      if (!out.contains(f.struct())) {
        out.add(f.struct());
      }
    }
    return out;
  }

  /** Every key, in table order. */
  public static List<String> all() {
    return FIELDS.stream().map(Field::key).toList();
  }

  /**
   * The keys of the fields Go 1.{@code minor} has; {@code minor < 0} (unknown version) gives
   * every key.
   */
  public static List<String> expected(int minor) {
    return FIELDS.stream()
        .filter(f -> minor < 0 || minor >= f.sinceMinor())
        .map(Field::key)
        .toList();
  }
}
