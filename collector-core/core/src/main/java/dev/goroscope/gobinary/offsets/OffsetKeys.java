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

  // Read by the goroutine sampler (dev.goroscope.sample), not by any probe.
  public static final String G_WAITSINCE = "runtime.g.waitsince";
  public static final String G_STACK_LO = "runtime.g.stack.lo";
  public static final String G_STACK_HI = "runtime.g.stack.hi";
  public static final String G_SCHED_SP = "runtime.g.sched.sp";
  public static final String G_SCHED_PC = "runtime.g.sched.pc";
  public static final String G_SCHED_BP = "runtime.g.sched.bp";
  public static final String G_SYSCALLSP = "runtime.g.syscallsp";
  public static final String G_SYSCALLPC = "runtime.g.syscallpc";
  public static final String G_STKTOPSP = "runtime.g.stktopsp";
  public static final String G_LOCKEDM = "runtime.g.lockedm";
  public static final String G_WAITING = "runtime.g.waiting";
  /** Bumped on every transition out of running: tells a g parked twice at one place apart. */
  public static final String G_TRACKING_SEQ = "runtime.g.trackingSeq";
  public static final String SUDOG_G = "runtime.sudog.g";
  public static final String SUDOG_NEXT = "runtime.sudog.next";
  public static final String SUDOG_PREV = "runtime.sudog.prev";
  public static final String SUDOG_ELEM = "runtime.sudog.elem";
  /** Go 1.26+: {@code elem} is a {@code maybeTraceablePtr}; its {@code vu} holds the address. */
  public static final String SUDOG_ELEM_VU = "runtime.sudog.elem.vu";
  public static final String SUDOG_TICKET = "runtime.sudog.ticket";
  public static final String SUDOG_IS_SELECT = "runtime.sudog.isSelect";
  public static final String SUDOG_PARENT = "runtime.sudog.parent";
  public static final String SUDOG_WAITLINK = "runtime.sudog.waitlink";
  public static final String SUDOG_WAITTAIL = "runtime.sudog.waittail";
  public static final String SUDOG_C = "runtime.sudog.c";
  /** Go 1.26+: {@code c} is a {@code maybeTraceableChan} embedding a {@code maybeTraceablePtr}. */
  public static final String SUDOG_C_VU = "runtime.sudog.c.maybeTraceablePtr.vu";
  public static final String HCHAN_ELEMSIZE = "runtime.hchan.elemsize";
  public static final String HCHAN_CLOSED = "runtime.hchan.closed";
  public static final String HCHAN_ELEMTYPE = "runtime.hchan.elemtype";
  public static final String HCHAN_RECVQ = "runtime.hchan.recvq";
  public static final String HCHAN_SENDQ = "runtime.hchan.sendq";
  public static final String WAITQ_FIRST = "runtime.waitq.first";
  public static final String WAITQ_LAST = "runtime.waitq.last";
  /** Go up to 1.20: {@code runtime._type}; 1.21+ {@link #ABI_TYPE_STR}. */
  public static final String TYPE_STR = "runtime._type.str";
  public static final String TYPE_TFLAG = "runtime._type.tflag";
  public static final String ABI_TYPE_STR = "internal/abi.Type.Str";
  public static final String ABI_TYPE_TFLAG = "internal/abi.Type.TFlag";
  public static final String SEMAROOT_TREAP = "runtime.semaRoot.treap";
  public static final String SEMAROOT_NWAIT = "runtime.semaRoot.nwait";
  public static final String MODULEDATA_TYPES = "runtime.moduledata.types";
  public static final String MODULEDATA_ETYPES = "runtime.moduledata.etypes";

  /**
   * One field.
   *
   * @param struct the Go type name as DWARF spells it
   * @param member the member name, or a dotted path into nested struct members ({@code
   *     sched.sp}: the offset is then counted from the start of {@code struct})
   * @param sinceMinor the first Go minor version (e.g. 21 for 1.21) that has the field
   * @param untilMinor the last Go minor version that has it under this type name
   */
  public record Field(String struct, String member, int sinceMinor, int untilMinor) {

    /** A field from Go 1.{@code sinceMinor} on. */
    public Field(String struct, String member, int sinceMinor) {
      this(struct, member, sinceMinor, Integer.MAX_VALUE);
    }

    /** Whether Go 1.{@code minor} has it; {@code minor < 0} (unknown version): any may. */
    public boolean existsIn(int minor) {
      return minor < 0 || (minor >= sinceMinor && minor <= untilMinor);
    }

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
      // The goroutine sampler's fields (dev.goroscope.sample): no probe reads them.
      new Field("runtime.g", "waitsince", 0),
      new Field("runtime.g", "stack.lo", 0),
      new Field("runtime.g", "stack.hi", 0),
      new Field("runtime.g", "sched.sp", 0),
      new Field("runtime.g", "sched.pc", 0),
      new Field("runtime.g", "sched.bp", 0),
      new Field("runtime.g", "syscallsp", 0),
      new Field("runtime.g", "syscallpc", 0),
      new Field("runtime.g", "stktopsp", 0),
      new Field("runtime.g", "lockedm", 0),
      new Field("runtime.g", "waiting", 0),
      new Field("runtime.g", "trackingSeq", 0),
      new Field("runtime.sudog", "g", 0),
      new Field("runtime.sudog", "next", 0),
      new Field("runtime.sudog", "prev", 0),
      new Field("runtime.sudog", "elem", 0),
      new Field("runtime.sudog", "elem.vu", 26),
      new Field("runtime.sudog", "ticket", 0),
      new Field("runtime.sudog", "isSelect", 0),
      new Field("runtime.sudog", "parent", 0),
      new Field("runtime.sudog", "waitlink", 0),
      new Field("runtime.sudog", "waittail", 0),
      new Field("runtime.sudog", "c", 0),
      new Field("runtime.sudog", "c.maybeTraceablePtr.vu", 26),
      new Field("runtime.hchan", "elemsize", 0),
      new Field("runtime.hchan", "closed", 0),
      new Field("runtime.hchan", "elemtype", 0),
      new Field("runtime.hchan", "recvq", 0),
      new Field("runtime.hchan", "sendq", 0),
      new Field("runtime.waitq", "first", 0),
      new Field("runtime.waitq", "last", 0),
      // 1.21 moved the type descriptor to internal/abi.Type (runtime._type is an alias since).
      new Field("runtime._type", "str", 0, 20),
      new Field("runtime._type", "tflag", 0, 20),
      new Field("internal/abi.Type", "Str", 21),
      new Field("internal/abi.Type", "TFlag", 21),
      new Field("runtime.semaRoot", "treap", 0),
      new Field("runtime.semaRoot", "nwait", 0),
      new Field("runtime.moduledata", "types", 0),
      new Field("runtime.moduledata", "etypes", 0));

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
        .filter(f -> f.existsIn(minor))
        .map(Field::key)
        .toList();
  }
}
