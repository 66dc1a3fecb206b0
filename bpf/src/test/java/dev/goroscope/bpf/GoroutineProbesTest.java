package dev.goroscope.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.goroscope.bpf.testing.Requirements.assumeReady;

import dev.goroscope.bpf.testing.ProbeSites;
import dev.goroscope.bpf.testing.Probes;
import dev.goroscope.bpf.testing.Target;
import dev.goroscope.bpf.testing.TestEvent;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attaches every default probe to a real Go program with a known goroutine tree and known
 * contexts, and compares every event with what the program printed about itself: on every Go
 * minor 1.19–1.27, each built normal, stripped and PIE ({@code GoMatrix}).
 */
class GoroutineProbesTest {

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.goroscope.testing.GoMatrix#cells")
  void everyGoroutineAndContextIsSeenExactlyOnce(Toolchain go, Mode mode) throws Exception {
    assumeReady(go);
    ProbeSites sites = ProbeSites.of(go, mode);
    String[] args = {"-fanout", "6", "-depth", "3", "-fired", "8", "-cancelled", "8", "-nested", "3",
        "-recurse", "40"};

    Target.Result plain;
    try (Target t = Target.start(sites.binary, args)) {
      plain = t.go();
    }

    Target.Result probed;
    List<TestEvent> events;
    int pid;
    try (Target t = Target.start(sites.binary, args);
        Probes probes = new Probes(sites, t.pid(), new Probes.Options())) {
      pid = t.pid();
      probed = t.go();
      events = probes.finish();
      assertThat(probes.losses.total()).isZero();
    }

    // same behaviour with and without probes
    assertThat(probed.exitCode()).isEqualTo(plain.exitCode()).isZero();
    assertThat(probed.linesOf("N")).hasSize(3);
    for (String tag : List.of("G", "D", "N", "P", "X", "R", "done")) {
      assertThat(probed.linesOf(tag)).hasSameSizeAs(plain.linesOf(tag));
    }
    assertThat(probed.linesOf("R").get(0)[1]).isEqualTo(plain.linesOf("R").get(0)[1]);

    int ncpu = Runtime.getRuntime().availableProcessors();
    assertThat(events).isNotEmpty().allSatisfy(e -> {
      assertThat(e.pid()).isEqualTo(pid);
      assertThat(e.tid()).isPositive();
      assertThat(e.cpu()).isBetween(0, 4096);
      assertThat(e.ts()).isPositive();
    });
    assertThat(ncpu).isPositive();

    // goroutine tree: 1 + 6 + 36 + 216 goroutines, each created once with its parent, exited once
    List<String[]> tree = probed.linesOf("G");
    assertThat(tree).hasSize(259);
    Map<Long, List<TestEvent>> created = byGoid(events, TestEvent.CREATED);
    Map<Long, List<TestEvent>> exited = byGoid(events, TestEvent.EXITED);
    for (String[] g : tree) {
      long goid = Long.parseLong(g[1]);
      long parent = Long.parseLong(g[2]);
      assertThat(created.get(goid)).as("created events of goroutine %d", goid).hasSize(1);
      TestEvent c = created.get(goid).get(0);
      assertThat(c.b()).as("parent of goroutine %d", goid).isEqualTo(parent);
      assertThat(c.c()).as("gopc").isPositive();
      assertThat(c.d()).as("startpc").isPositive();
      assertThat(exited.get(goid)).as("exit events of goroutine %d", goid).hasSize(1);
      assertThat(exited.get(goid).get(0).ts()).isGreaterThan(c.ts());
    }

    // contexts: one deadline-set event per WithTimeout, exact deadline, creator and ctx identity
    // (its cancelCtx: on Go 1.20 behind the timerCtx's pointer)
    int recursed = Integer.parseInt(probed.linesOf("R").get(0)[1]);
    List<TestEvent> set = ofType(events, TestEvent.DEADLINE_SET);
    for (String[] n : probed.linesOf("N")) {
      assertThat(set).as("no deadline event for a plain cancelCtx child")
          .noneMatch(e -> e.a() == Long.decode(n[1]));
    }
    Map<Long, TestEvent> setByDeadline = new HashMap<>();
    for (TestEvent e : set) {
      setByDeadline.put(e.c(), e);
    }
    for (String[] d : probed.linesOf("D")) {
      long ctx = Long.decode(d[1]);
      long deadline = Long.parseLong(d[3]);
      TestEvent e = setByDeadline.get(deadline);
      assertThat(e).as("deadline-set event for %s", String.join(" ", d)).isNotNull();
      assertThat(e.a()).isEqualTo(ctx);
      assertThat(e.d()).as("creator goid").isEqualTo(Long.parseLong(d[2]));
      assertThat(e.b()).as("parent ctx (Background)").isPositive();
    }

    // a timerCtx under a timerCtx names that parent by its identity too
    assertThat(probed.linesOf("P")).hasSize(3);
    for (String[] p : probed.linesOf("P")) {
      TestEvent e = set.stream().filter(x -> x.a() == Long.decode(p[1])).findFirst().orElseThrow();
      assertThat(e.b()).as("parent ctx of %s", p[1]).isEqualTo(Long.decode(p[2]));
    }

    assertThat(set).hasSize(16 + 3 * 2 + recursed);

    // cancels: the first cancel of each ctx only, with the right reason and canceller
    List<TestEvent> cancels = ofType(events, TestEvent.CANCELLED);
    assertThat(cancels.stream().filter(e -> e.c() == 1)).as("deadline exceeded").hasSize(8);
    assertThat(cancels.stream().filter(e -> e.c() == 2)).as("canceled")
        .hasSize(8 + 3 * 3 + recursed);
    assertThat(cancels).hasSize(16 + 3 * 3 + recursed);
    for (String[] x : probed.linesOf("X")) {
      long ctx = Long.decode(x[1]);
      long reason = x[3].equals("deadline") ? 1 : 2;
      List<TestEvent> mine = cancels.stream().filter(e -> e.a() == ctx && e.c() == reason)
          .collect(Collectors.toList());
      assertThat(mine).as("cancel of %s", String.join(" ", x)).isNotEmpty();
      if (reason == 2) {
        assertThat(mine).anySatisfy(e -> assertThat(e.b()).isEqualTo(Long.parseLong(x[2])));
      }
    }
  }

  /**
   * Why entry probes sit after the stack-check prologue: on the same deep-stack workload a
   * probe on cancel's first instruction sees more hits than there were cancels (morestack
   * re-ran the prologue), while the after-prologue probe sees exactly one per cancel. The
   * stack growth this needs is forced, not hoped for: each round runs on a new goroutine that
   * starts on the smallest stack (GODEBUG=adaptivestackstart=0, else the runtime may start it
   * large enough) and is shifted by a different amount, so the boundaries fall on cancel's
   * prologue in some rounds.
   */
  @org.junit.jupiter.api.Test
  void entryProbesSitAfterThePrologueBecauseStackGrowthReRunsIt() throws Exception {
    Toolchain go = Toolchain.GO_1_26;
    assumeReady(go);
    ProbeSites sites = ProbeSites.of(go, Mode.NORMAL);
    String[] args = {"-fanout", "0", "-depth", "0", "-fired", "0", "-cancelled", "0",
        "-recurse", "300", "-fresh-stacks"};
    long[] counts = new long[2];
    for (int atEntry = 0; atEntry < 2; atEntry++) {
      try (Target t = Target.start(Map.of("GODEBUG", "adaptivestackstart=0"), sites.binary,
          args)) {
        Probes.Options o = new Probes.Options();
        o.cancelAtEntry = atEntry == 1;
        try (Probes probes = new Probes(sites, t.pid(), o)) {
          Target.Result r = t.go();
          counts[atEntry] = ofType(probes.finish(), TestEvent.CANCELLED).size();
          assertThat(r.exitCode()).isZero();
          // After the prologue: one per call; at entry: one per call and per re-run.
          assertThat(counts[atEntry]).as("cancel events, probe at entry: %s", atEntry == 1)
              .isGreaterThanOrEqualTo(Long.parseLong(r.linesOf("R").get(0)[1]));
          if (atEntry == 0) {
            assertThat(counts[0]).isEqualTo(Long.parseLong(r.linesOf("R").get(0)[1]));
          }
        }
      }
    }
    System.out.printf("cancel events: after prologue %d, at entry %d%n", counts[0], counts[1]);
    assertThat(counts[1]).isGreaterThan(counts[0]);
  }

  static List<TestEvent> ofType(List<TestEvent> events, int type) {
    return events.stream().filter(e -> e.type() == type).collect(Collectors.toList());
  }

  static Map<Long, List<TestEvent>> byGoid(List<TestEvent> events, int type) {
    return ofType(events, type).stream().collect(Collectors.groupingBy(TestEvent::a));
  }
}
