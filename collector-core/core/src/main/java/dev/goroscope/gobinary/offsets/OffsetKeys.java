package dev.goroscope.gobinary.offsets;

import java.util.ArrayList;
import java.util.List;

/**
 * The struct fields goroscope's probes read, keyed {@code <struct type>.<member>} such as
 * {@code runtime.g.goid}, with the Go minor version from which each field exists and whether a
 * probe needs it.
 */
public final class OffsetKeys {

  public static final String G_GOID = "runtime.g.goid";
  public static final String G_PARENT_GOID = "runtime.g.parentGoid";
  public static final String G_ATOMICSTATUS = "runtime.g.atomicstatus";
  public static final String G_WAITREASON = "runtime.g.waitreason";
  public static final String G_WAITSINCE = "runtime.g.waitsince";
  public static final String G_GOPC = "runtime.g.gopc";
  public static final String G_STARTPC = "runtime.g.startpc";
  public static final String G_M = "runtime.g.m";
  public static final String G_LABELS = "runtime.g.labels";
  public static final String M_CURG = "runtime.m.curg";
  public static final String TIMERCTX_CANCELCTX = "context.timerCtx.cancelCtx";
  public static final String TIMERCTX_DEADLINE = "context.timerCtx.deadline";
  public static final String CANCELCTX_CONTEXT = "context.cancelCtx.Context";
  public static final String CANCELCTX_DONE = "context.cancelCtx.done";
  public static final String CANCELCTX_ERR = "context.cancelCtx.err";
  public static final String CANCELCTX_CAUSE = "context.cancelCtx.cause";
  public static final String TIME_WALL = "time.Time.wall";
  public static final String TIME_EXT = "time.Time.ext";
  public static final String TIME_LOC = "time.Time.loc";

  /**
   * One field.
   *
   * @param struct the Go type name as DWARF spells it
   * @param member the member name
   * @param sinceMinor the first Go minor version (e.g. 21 for 1.21) that has the field
   * @param required whether a default probe reads it (attach refuses when it is missing)
   */
  public record Field(String struct, String member, int sinceMinor, boolean required) {
    public String key() {
      return struct + "." + member;
    }
  }

  /** Every field, in table order. */
  public static final List<Field> FIELDS = List.of(
      new Field("runtime.g", "m", 0, true),
      new Field("runtime.g", "atomicstatus", 0, true),
      new Field("runtime.g", "goid", 0, true),
      new Field("runtime.g", "waitsince", 0, true),
      new Field("runtime.g", "waitreason", 0, true),
      new Field("runtime.g", "parentGoid", 21, true),
      new Field("runtime.g", "gopc", 0, true),
      new Field("runtime.g", "startpc", 0, true),
      new Field("runtime.g", "labels", 0, false),
      new Field("runtime.m", "curg", 0, true),
      new Field("context.timerCtx", "cancelCtx", 0, true),
      new Field("context.timerCtx", "deadline", 0, true),
      new Field("context.cancelCtx", "Context", 0, true),
      new Field("context.cancelCtx", "done", 0, false),
      new Field("context.cancelCtx", "err", 0, true),
      new Field("context.cancelCtx", "cause", 20, false),
      new Field("time.Time", "wall", 0, true),
      new Field("time.Time", "ext", 0, true),
      new Field("time.Time", "loc", 0, true));

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
   * The keys a probe needs on Go 1.{@code minor}; {@code minor < 0} (unknown version) asks for
   * every field that any version requires.
   */
  public static List<String> required(int minor) {
    return FIELDS.stream()
        .filter(f -> f.required() && (minor < 0 || minor >= f.sinceMinor()))
        .map(Field::key)
        .toList();
  }
}
