package dev.goroscope.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.event.CancelReason;
import dev.goroscope.event.ContextCancelled;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The unknown-cancel memory of {@link ProcessTable}: what a deadline-set event looks up. */
class ProcessTableTest {

  private static final int RING = 1024;

  private static ContextCancelled cancel(long ns, long ctx) {
    return new ContextCancelled(ns, 1, 1, 0, ctx, 10, CancelReason.DEADLINE_EXCEEDED);
  }

  @Test
  void takesTheLatestCancelOfAContextOnceAndOnlyInsideTheWindow() {
    ProcessTable p = new ProcessTable(1, true, null, 0);
    ContextCancelled first = cancel(100, 0xc0001000L);
    ContextCancelled second = cancel(200, 0xc0001000L);
    p.rememberUnknownCancel(first);
    p.rememberUnknownCancel(cancel(150, 0xc0002000L));
    p.rememberUnknownCancel(second);

    assertThat(p.takeUnknownCancel(0xc0003000L, 0)).as("never cancelled").isNull();
    assertThat(p.takeUnknownCancel(0xc0001000L, 201)).as("older than the window").isNull();
    assertThat(p.takeUnknownCancel(0xc0001000L, 200)).isSameAs(second);
    assertThat(p.takeUnknownCancel(0xc0001000L, 0)).as("the earlier one, still remembered")
        .isSameAs(first);
    assertThat(p.takeUnknownCancel(0xc0001000L, 0)).as("both taken").isNull();
    assertThat(p.takeUnknownCancel(0, 0)).as("no context").isNull();
    assertThat(p.takeUnknownCancel(0xc0002000L, 150)).isNotNull();
  }

  @Test
  void remembersAtMostTheLastThousandCancels() {
    ProcessTable p = new ProcessTable(1, true, null, 0);
    p.rememberUnknownCancel(cancel(1, 0xc0001000L));
    for (int i = 0; i < 100 * RING; i++) {
      p.rememberUnknownCancel(cancel(2 + i, 0xc0100000L + 16L * i));
      assertThat(p.unknownCancelsRemembered()).isLessThanOrEqualTo(RING);
    }
    assertThat(p.takeUnknownCancel(0xc0001000L, 0)).as("pushed out of the ring").isNull();
    assertThat(p.takeUnknownCancel(0xc0100000L + 16L * (100 * RING - 1), 0)).isNotNull();
    assertThat(p.takeUnknownCancel(0xc0100000L + 16L * (100 * RING - RING), 0)).isNotNull();
    assertThat(p.takeUnknownCancel(0xc0100000L + 16L * (100 * RING - RING - 1), 0)).isNull();
  }

  /** One step: remember a cancel of context {@code ctx} at {@code ns}, or look one up. */
  record Op(boolean take, long ctx, long ns) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    // Few contexts, so that they repeat; times mostly rising, sometimes late.
    Arbitrary<Op> op = Combinators.combine(
        Arbitraries.integers().between(0, 2), Arbitraries.longs().between(0, 40),
        Arbitraries.longs().between(0, 3000))
        .as((kind, ctx, ns) -> new Op(kind == 0, ctx * 16, ns));
    return op.list().ofMaxSize(3000);
  }

  /**
   * Against a model that keeps every cancel: a look-up scans the last 1024 remembered from the
   * newest, stops at the first older than the window's start, and takes the first of the
   * context not taken yet.
   */
  @Property(tries = 200)
  void agreesWithAModelOfTheLastThousandCancels(@ForAll("ops") List<Op> ops) {
    ProcessTable p = new ProcessTable(1, true, null, 0);
    List<ContextCancelled> remembered = new ArrayList<>();
    Set<ContextCancelled> taken = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Op op : ops) {
      if (!op.take()) {
        ContextCancelled c = cancel(op.ns(), op.ctx());
        remembered.add(c);
        p.rememberUnknownCancel(c);
      } else {
        long notBefore = op.ns() - 500;
        ContextCancelled expected = null;
        for (int i = remembered.size() - 1; i >= Math.max(0, remembered.size() - RING); i--) {
          ContextCancelled c = remembered.get(i);
          if (c.timestampNs() < notBefore) {
            break;
          }
          if (c.ctx() == op.ctx() && op.ctx() != 0 && !taken.contains(c)) {
            expected = c;
            break;
          }
        }
        ContextCancelled got = p.takeUnknownCancel(op.ctx(), notBefore);
        assertThat(got).isSameAs(expected);
        if (got != null) {
          taken.add(got);
        }
      }
      long untaken = remembered.subList(Math.max(0, remembered.size() - RING), remembered.size())
          .stream().filter(c -> c.ctx() != 0 && !taken.contains(c)).count();
      assertThat(p.unknownCancelsRemembered()).isEqualTo(untaken);
    }
  }
}
