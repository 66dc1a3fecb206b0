package dev.goroscope.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.bpf.testing.Requirements;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The overhead benchmark's harness works end to end (real programs, real uprobes, the real
 * goroscope): one round at a tiny size, every mode. Its numbers mean nothing at this size; the
 * test checks that each mode was really measured, not how fast anything is.
 */
class OverheadBenchmarkTest {

  @Test
  void oneTinyRoundMeasuresEveryMode() throws java.io.IOException {
    Requirements.assumeReady(BenchPrograms.GO);
    Path launcher = Path.of(System.getProperty("goroscope.launcher", "../goroscope"));
    // The same build as its own baseline: the base modes run through the baseline's launcher.
    BenchConfig config = new BenchConfig(1, 200, 4, 50, BenchConfig.DEFAULT_WORK, 500,
        List.of("mixed", "pingpong"), 0, List.of(Mode.values()), launcher, launcher, "this build",
        Path.of(System.getProperty("goroscope.bench.programs", "src/test/go/overhead")), true,
        "test");

    String statsBefore = java.nio.file.Files.readString(BpfStats.SWITCH).trim();
    Results results = new OverheadRun(config, System.err).run();

    // The floor sits at exactly goroscope's default sites: same count as goroscope attaches.
    int sites = results.httpSites().sites().size();
    assertThat(sites).as("default sites: newproc1 RETs, goexit1, WithDeadline RETs, cancel")
        .isGreaterThanOrEqualTo(4);
    assertThat(results.http(Mode.FLOOR)).singleElement()
        .satisfies(s -> assertThat(s.uprobes()).isEqualTo(sites));
    assertThat(results.http(Mode.GOROSCOPE)).singleElement()
        .satisfies(s -> assertThat(s.uprobes()).as("goroscope's own 'N uprobes'").isEqualTo(sites));
    assertThat(results.spawn(Mode.GOROSCOPE)).allSatisfy(
        s -> assertThat(s.uprobes()).isEqualTo(results.spawnSites().sites().size()));

    boolean sampled =
        results.unavailable().stream().noneMatch(u -> u.mode() == Mode.GOROSCOPE_SAMPLED);
    for (Mode mode : Mode.values()) {
      if (mode == Mode.GOROSCOPE_SAMPLED && !sampled) {
        assertThat(results.http(mode)).isEmpty();
        continue;
      }
      assertThat(results.http(mode)).as(mode.id()).singleElement().satisfies(s -> {
        assertThat(s.fresh().requests()).isEqualTo(200);
        assertThat(s.fresh().rps()).as(mode.id() + " req/s").isPositive();
      });
      assertThat(results.spawn(mode)).as(mode.id()).extracting(Samples.Spawn::kind)
          .containsExactly("mixed", "pingpong");
      assertThat(results.spawn(mode)).allSatisfy(
          s -> assertThat(s.opsPerSecond()).as(mode.id() + " ops/s").isPositive());
      if (mode == Mode.GOROSCOPE_SAMPLED) {
        // No uprobes: no kernel event reaches goroscope; its cost is the sampling thread's.
        Samples.Http h = results.http(mode).get(0);
        assertThat(h.counts().events()).as("sampled events").isZero();
        assertThat(h.fresh().sidecarCpu().totalNs()).as("sampled sidecar CPU").isPositive();
      } else if (mode.hasSidecar()) {
        Samples.Http h = results.http(mode).get(0);
        // Per request at least two goroutine creations and two exits reach goroscope.
        assertThat(h.counts().events()).as(mode.id() + " events").isPositive();
        assertThat(h.eventsPerRequest()).as(mode.id() + " events per request")
            .isGreaterThanOrEqualTo(4);
        assertThat(h.steady()).as("steady block").isNotNull();
        assertThat(h.attachedRequests()).isEqualTo(400);
        assertThat(h.fresh().sidecarCpu().totalNs() + h.steady().sidecarCpu().totalNs())
            .as(mode.id() + " sidecar CPU (a fresh JVM compiles)").isPositive();
        Samples.Spawn sp = results.spawn(mode, "mixed").get(0);
        // Per operation a creation, an exit, a deadline context and its cancel.
        assertThat(sp.eventsPerOp()).as(mode.id() + " events per op").isGreaterThanOrEqualTo(2);
        if (mode == Mode.GOROSCOPE_DEEP) {
          // Every round trip parks and readies both goroutines: deep mode traps them.
          assertThat(results.spawn(mode, "pingpong").get(0).eventsPerOp())
              .as("deep pingpong events per op").isGreaterThanOrEqualTo(2);
        }
      } else {
        assertThat(results.http(mode).get(0).counts()).isNull();
        assertThat(results.http(mode).get(0).steady()).isNull();
      }
    }

    // --bpf-stats: the kernel timed the floor's programs and goroscope's, once per trap at
    // least (goroscope's events are its programs' runs that reserved a record).
    BpfProgramTime floorBpf = results.http(Mode.FLOOR).get(0).fresh().bpf();
    assertThat(floorBpf.runs()).as("floor program runs").isGreaterThanOrEqualTo(4 * 200);
    assertThat(floorBpf.runTimeNs()).as("floor program time").isPositive();
    Samples.Http precise = results.http(Mode.GOROSCOPE).get(0);
    assertThat(precise.fresh().bpf().runs() + precise.steady().bpf().runs())
        .as("goroscope program runs").isGreaterThanOrEqualTo(4 * 400);
    assertThat(results.http(Mode.NONE).get(0).fresh().bpf()).as("nothing attached").isNull();
    assertThat(java.nio.file.Files.readString(BpfStats.SWITCH).trim())
        .as("kernel.bpf_stats_enabled left as it was").isEqualTo(statsBefore);

    assertThat(results.otlpRequests()).as("the otlp modes sent to the receiver").isPositive();
    assertThat(results.otlpBytes()).isPositive();

    String report = MarkdownReport.render(results);
    for (Mode mode : Mode.values()) {
      assertThat(report).contains("| " + mode.label() + " |");
    }
    assertThat(report).contains("#### Spawn-heavy: `mixed`")
        .contains("#### Spawn-heavy: `pingpong`")
        .contains("- Baseline build (the base modes): this build")
        .contains("goroscope attached the same number")
        .doesNotContain("NaN").contains("| no tracer | ").contains("1.00× | 0.00 |")
        .contains("#### Time inside the BPF programs (HTTP, `--bpf-stats`)");
  }
}
