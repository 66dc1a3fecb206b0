package dev.goroscope.event;

import java.util.Objects;

/**
 * Something a goroutine did at one moment, of a {@link MarkKind}: a channel operation, the end
 * of a lock wait or of a system call, and whatever kinds are added later. One record for all of
 * them, decoded from {@code struct goroscope_goroutine_mark}, or for kinds with a stack from
 * {@code struct goroscope_goroutine_mark_stack}.
 *
 * @param goid the goroutine
 * @param kind what it did
 * @param a first payload word (meaning per kind)
 * @param b second payload word (meaning per kind)
 * @param c third payload word (kinds with a stack; else 0)
 * @param d fourth payload word (kinds with a stack; else 0)
 * @param stack the goroutine's innermost return addresses (kinds with a stack; else empty)
 */
public record GoroutineMark(
    long timestampNs, int pid, int tid, int cpu, long goid, MarkKind kind, long a, long b,
    long c, long d, long[] stack)
    implements Event {

  private static final long[] NO_STACK = new long[0];

  public GoroutineMark {
    Objects.requireNonNull(kind, "kind");
    stack = stack.length == 0 ? NO_STACK : stack.clone();
  }

  /** A mark with two payload words and no stack. */
  public GoroutineMark(long timestampNs, int pid, int tid, int cpu, long goid, MarkKind kind,
      long a, long b) {
    this(timestampNs, pid, tid, cpu, goid, kind, a, b, 0, 0, NO_STACK);
  }

  @Override
  public long[] stack() {
    return stack.length == 0 ? NO_STACK : stack.clone();
  }

  /** How many return addresses {@link #stack()} holds. */
  public int stackDepth() {
    return stack.length;
  }

  /** The stack without a copy (do not modify). */
  long[] stackView() {
    return stack;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GoroutineMark m && m.timestampNs == timestampNs && m.pid == pid
        && m.tid == tid && m.cpu == cpu && m.goid == goid && m.kind == kind && m.a == a
        && m.b == b && m.c == c && m.d == d && java.util.Arrays.equals(m.stack, stack);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(timestampNs, pid, tid, goid, kind, a, b, c, d)
        * 31 + java.util.Arrays.hashCode(stack);
  }

  @Override
  public String toString() {
    return "GoroutineMark[" + kind + " ts=" + timestampNs + " pid=" + pid + " goid=" + goid
        + " a=" + a + " b=" + b + " c=" + c + " d=" + d + " stack="
        + java.util.Arrays.toString(stack) + "]";
  }

  @Override
  public void accept(EventVisitor v) {
    v.mark(this);
  }
}
