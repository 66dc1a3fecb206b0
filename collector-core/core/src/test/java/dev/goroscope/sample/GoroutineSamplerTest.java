package dev.goroscope.sample;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.gobinary.stack.StackFrame;
import dev.goroscope.sample.ChannelWait.Direction;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sampler against a real program whose goroutines are parked in known states ({@code
 * stateprog}), compared with the program's own {@code runtime.Stack(buf, true)} taken just
 * before and just after the sample (everything stays blocked in between): the same goroutines,
 * and for each the same header (wait reason, thread lock), the same frames with the same
 * {@code +0x} offsets, the same creator; plus channel numbers and semaphore addresses the
 * program printed. Every toolchain here, normal, stripped (no symbols, no DWARF: the built-in
 * offset table, allgs and semtable found from code) and PIE (load bias).
 */
class GoroutineSamplerTest {

  static Stream<Arguments> builds() {
    List<Arguments> out = new ArrayList<>();
    for (Toolchain t : Toolchain.values()) {
      for (Mode m : List.of(Mode.NORMAL, Mode.STRIPPED, Mode.PIE)) {
        out.add(Arguments.of(t, m));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("builds")
  void readsWhatTheProgramsOwnDumpShows(Toolchain toolchain, Mode mode) {
    try (StateProgram prog = StateProgram.start(toolchain, mode);
        GoroutineSampler sampler = GoroutineSampler.open(prog.pid(), SamplerConfig.defaults())) {
      String before = prog.goDump();
      ProcessSample sample = sampler.sample();
      String after = prog.goDump();
      int minor = sampler.traceback().goMinor();

      Map<Long, String> go = StateProgram.blocks(before);
      Map<Long, String> goAfter = StateProgram.blocks(after);
      GoroutineDump dump = new GoroutineDump(sampler.traceback(), false);
      Map<Long, GoroutineSample> listed = new TreeMap<>();
      for (GoroutineSample g : sample.goroutines()) {
        if (dump.lists(g)) {
          listed.put(g.goid(), g);
        }
      }
      assertThat(listed.keySet()).as("goroutines Go lists").isEqualTo(go.keySet());
      long spinner = only(sample, "main.spinner").goid();
      int compared = 0;
      for (long goid : go.keySet()) {
        if (goid == 1 || goid == spinner) {
          continue; // the one dumping (running then), and the one spinning
        }
        assertThat(goAfter.get(goid)).as("goroutine %d stayed put", goid).isEqualTo(go.get(goid));
        assertThat(dump.block(listed.get(goid), sample.timestampNs()).stripTrailing())
            .as("goroutine %d", goid)
            .isEqualTo(StateProgram.withoutArguments(go.get(goid).stripTrailing()));
        compared++;
      }
      assertThat(compared).isEqualTo(22);
      GoroutineSample spin = listed.get(spinner);
      assertThat(spin.status()).isIn(GoroutineStatus.RUNNING, GoroutineStatus.RUNNABLE,
          GoroutineStatus.PREEMPTED);
      if (spin.stack() != null) {
        assertThat(spin.stack().frames()).extracting(StackFrame::function)
            .contains("main.spinner");
      }

      // a full buffered channel with four senders waiting
      for (GoroutineSample g : all(sample, "main.sender")) {
        ChannelWait w = g.channel().orElseThrow();
        assertThat(w.direction()).isEqualTo(Direction.SEND);
        assertThat(w.channel()).isEqualTo(new ChannelState(prog.address("full"), "main.job", 24,
            3, 3, false, 4, 0, true));
      }
      assertThat(all(sample, "main.sender")).hasSize(4);
      // an unbuffered channel four goroutines receive from (two created by main, two by spawner)
      assertThat(all(sample, "main.receiver")).hasSize(4).allSatisfy(g -> {
        assertThat(g.channels()).singleElement().satisfies(w -> {
          assertThat(w.direction()).isEqualTo(Direction.RECEIVE);
          assertThat(w.channel()).isEqualTo(new ChannelState(prog.address("unbuf"), "int", 8, 0,
              0, false, 0, 4, true));
        });
      });
      // select: receive from selA, send to the full selB
      GoroutineSample sel = only(sample, "main.selector");
      assertThat(sel.waitReason()).isEqualTo("select");
      assertThat(sel.channels()).containsExactlyInAnyOrder(
          new ChannelWait(new ChannelState(prog.address("selA"), "string", 16, 0, 0, false, 0, 1,
              true), Direction.RECEIVE),
          new ChannelWait(new ChannelState(prog.address("selB"), "[]uint8", 24, 1, 1, false, 1, 0,
              true), Direction.SEND));
      // three goroutines on one never-closed channel, one of them locked to its thread
      long never = only(sample, "main.lockedWaiter").channel().orElseThrow().channel().address();
      for (String f : List.of("main.lockedWaiter", "main.inliner", "main.spawner")) {
        ChannelState c = only(sample, f).channel().orElseThrow().channel();
        assertThat(c.address()).isEqualTo(never);
        assertThat(c.elemType()).isEqualTo("struct {}");
        assertThat(c.waitingReceivers()).isEqualTo(3);
      }
      assertThat(only(sample, "main.lockedWaiter").lockedToThread()).isTrue();
      assertThat(only(sample, "main.inliner").lockedToThread()).isFalse();
      // a generic function's goroutine, blocked on a chan int
      GoroutineSample generic = sample.goroutines().stream()
          .filter(g -> g.startFunction().startsWith("main.waitGeneric[")).findFirst()
          .orElseThrow();
      assertThat(generic.channel().orElseThrow().channel().elemType()).isEqualTo("int");

      // locks: both mutex waiters on mu.sema; the writer on rw.writerSem; the WaitGroup's sema
      long mu = prog.address("mu") + 4;
      assertThat(all(sample, "main.mutexWaiter")).hasSize(2)
          .allSatisfy(g -> assertThat(g.semaphore()).isEqualTo(mu));
      assertThat(only(sample, "main.rwWriter").semaphore()).isEqualTo(prog.address("rw") + 8);
      assertThat(all(sample, "main.wgWaiter")).hasSize(2)
          .allSatisfy(g -> assertThat(g.semaphore()).isEqualTo(prog.address("wg") + 8));
      // sync.Cond: its notifyList, reachable from the goroutine only from Go 1.26
      assertThat(only(sample, "main.condWaiter").semaphore())
          .isEqualTo(minor >= 26 ? prog.address("cond") + 16 : 0);
      for (GoroutineSample g : sample.goroutines()) {
        if (g.channels().isEmpty() && g.semaphore() == 0) {
          continue;
        }
        assertThat(g.status()).isEqualTo(GoroutineStatus.WAITING);
      }

      // a system call, a sleep, wait reasons per version
      GoroutineSample pipe = only(sample, "main.pipeReader");
      assertThat(pipe.status()).isEqualTo(GoroutineStatus.SYSCALL);
      assertThat(pipe.waitReason()).isEmpty();
      assertThat(only(sample, "main.sleeper").waitReason()).isEqualTo("sleep");
      assertThat(all(sample, "main.mutexWaiter").get(0).waitReason())
          .isEqualTo(minor >= 20 ? "sync.Mutex.Lock" : "semacquire");
      assertThat(only(sample, "main.holder").semaphore()).isZero();

      // creators and parents
      GoroutineSample spawned = all(sample, "main.receiver").stream()
          .filter(g -> g.createdBy().function().equals("main.spawner")).findFirst().orElseThrow();
      assertThat(spawned.parentGoid())
          .isEqualTo(minor >= 21 ? only(sample, "main.spawner").goid() : 0);
      assertThat(sample.stats().allgs()).isGreaterThanOrEqualTo(sample.goroutines().size());
      assertThat(sample.notes()).isEmpty();
    }
  }

  static GoroutineSample only(ProcessSample s, String startFunction) {
    List<GoroutineSample> g = all(s, startFunction);
    assertThat(g).as(startFunction).hasSize(1);
    return g.get(0);
  }

  static List<GoroutineSample> all(ProcessSample s, String startFunction) {
    return s.goroutines().stream().filter(g -> g.startFunction().equals(startFunction)).toList();
  }
}
