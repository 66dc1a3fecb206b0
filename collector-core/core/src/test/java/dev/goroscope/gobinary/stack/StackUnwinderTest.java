package dev.goroscope.gobinary.stack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.pclntab.PcLnTable;
import dev.goroscope.gobinary.stack.PhysicalStack.Outcome;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The unwinder over stacks built by hand from a real binary's frame sizes (pcsp), so every
 * outcome can be provoked: a walk to goexit at stktopsp, a garbage return address, a walk that
 * ends elsewhere, a copy too short, the frame limit, an SP outside the stack. (The real
 * programs' stacks are checked against runtime.Stack in GoroutineSamplerTest.)
 */
class StackUnwinderTest {

  private static final long LO = 0x7000_0000L;
  private static final long HI = LO + 8192;
  private static PcLnTable table;
  private static long[] chain; // PCs: main.worker-ish frames, then goexit
  private static int[] deltas;

  @BeforeAll
  static void binary() {
    GoBinary bin = GoBinary.open(GoToolchains.build("stateprog", Toolchain.GO_1_26, Mode.NORMAL));
    table = bin.pcLnTable();
    List<String> names = List.of("runtime.gopark", "runtime.chanrecv", "main.holder");
    chain = new long[names.size() + 1];
    deltas = new int[names.size() + 1];
    for (int i = 0; i < names.size(); i++) {
      int fn = table.funcIndex(bin.function(names.get(i)).orElseThrow().entry());
      long entry = table.entry(fn);
      long best = entry;
      int bestDelta = 0;
      for (long pc = entry + 1; pc < entry + 400; pc++) {
        if (table.funcIndex(pc) != fn) {
          break;
        }
        int d = table.spDelta(fn, pc);
        if (d > bestDelta) {
          bestDelta = d;
          best = pc;
        }
      }
      chain[i] = best;
      deltas[i] = bestDelta;
      assertThat(bestDelta).as(names.get(i)).isPositive();
    }
    long goexit = bin.function("runtime.goexit").orElseThrow().entry();
    chain[names.size()] = goexit + 1; // what newproc1 pushes as the first return address
    deltas[names.size()] = table.spDelta(table.funcIndex(goexit + 1), goexit + 1);
  }

  /** A stack holding {@link #chain}; returns its SP; {@code top[0]} gets the top frame's SP. */
  private static long build(ByteBuffer mem, long[] top) {
    long size = 8;
    for (int i = 0; i + 1 < chain.length; i++) {
      size += deltas[i] + 8;
    }
    long sp = HI - 64 - size;
    long at = sp;
    for (int i = 0; i + 1 < chain.length; i++) {
      long fp = at + deltas[i] + 8;
      mem.putLong((int) (fp - 8 - LO), chain[i + 1]);
      at = fp;
    }
    top[0] = at;
    return sp;
  }

  private static PhysicalStack unwind(ByteBuffer mem, long sp, long stktopsp, long copyFrom,
      int copyLen, int maxFrames) {
    StackUnwinder u = new StackUnwinder(table, 0);
    StackWindow w = new StackWindow().set(mem, (int) (copyFrom - LO), copyFrom, copyLen);
    PhysicalStack out = new PhysicalStack();
    u.unwind(chain[0], sp, false, LO, HI, stktopsp, w, maxFrames, out);
    return out;
  }

  private static ByteBuffer memory() {
    return ByteBuffer.allocate((int) (HI - LO)).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Test
  void walksFramesToGoexitAtStktopsp() {
    ByteBuffer mem = memory();
    long[] top = new long[1];
    long sp = build(mem, top);
    PhysicalStack s = unwind(mem, sp, top[0], sp, (int) (HI - sp), 100);
    assertThat(s.outcome()).isEqualTo(Outcome.COMPLETE);
    assertThat(s.size()).isEqualTo(chain.length);
    for (int i = 0; i < chain.length; i++) {
      assertThat(s.pc(i)).isEqualTo(chain[i]);
      assertThat(s.trap(i)).isFalse();
    }
    List<StackFrame> frames = new StackSymbolizer(table, 0).frames(s);
    assertThat(frames.get(frames.size() - 1).function()).isEqualTo("runtime.goexit");
    assertThat(frames).extracting(StackFrame::function).contains("main.holder");
  }

  @Test
  void aWalkEndingElsewhereThanStktopspIsBroken() {
    ByteBuffer mem = memory();
    long[] top = new long[1];
    long sp = build(mem, top);
    assertThat(unwind(mem, sp, top[0] + 8, sp, (int) (HI - sp), 100).outcome())
        .isEqualTo(Outcome.BROKEN);
  }

  @Test
  void aGarbageReturnAddressIsBroken() {
    ByteBuffer mem = memory();
    long[] top = new long[1];
    long sp = build(mem, top);
    mem.putLong((int) (sp + deltas[0] + 8 - 8 - LO), 0x12345); // not in any function
    PhysicalStack s = unwind(mem, sp, top[0], sp, (int) (HI - sp), 100);
    assertThat(s.outcome()).isEqualTo(Outcome.BROKEN);
    assertThat(s.problem()).contains("unknown pc");
  }

  @Test
  void limitsTruncate() {
    ByteBuffer mem = memory();
    long[] top = new long[1];
    long sp = build(mem, top);
    assertThat(unwind(mem, sp, top[0], sp, deltas[0] + 4, 100).outcome())
        .isEqualTo(Outcome.TRUNCATED);
    PhysicalStack two = unwind(mem, sp, top[0], sp, (int) (HI - sp), 2);
    assertThat(two.outcome()).isEqualTo(Outcome.TRUNCATED);
    assertThat(two.size()).isEqualTo(2);
  }

  @Test
  void anSpOutsideTheStackIsBroken() {
    ByteBuffer mem = memory();
    assertThat(unwind(mem, HI, 0, LO, 8, 100).outcome()).isEqualTo(Outcome.BROKEN);
    assertThat(unwind(mem, LO - 8, 0, LO, 8, 100).outcome()).isEqualTo(Outcome.BROKEN);
  }
}
