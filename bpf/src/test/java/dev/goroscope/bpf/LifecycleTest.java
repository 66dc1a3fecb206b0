package dev.goroscope.bpf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.bpf.link.UprobeLink;
import dev.goroscope.bpf.testing.ProbeSites;
import dev.goroscope.bpf.testing.Probes;
import dev.goroscope.bpf.testing.Target;
import dev.goroscope.bpf.testing.TestEvent;
import dev.goroscope.testing.GoMatrix;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pid filtering, detach on close, cleanup after kill -9, losses with a tiny ring, deep mode: on
 * every Go minor 1.19–1.27, each built normal, stripped and PIE ({@code GoMatrix}; kill -9 on
 * the normal builds only, see there).
 */
class LifecycleTest {
  static final Path BPF_STATS = Path.of("/proc/sys/kernel/bpf_stats_enabled");

  static Stream<Arguments> normalBuilds() {
    return GoMatrix.cells(Mode.NORMAL);
  }

  static ProbeSites sites(Toolchain go, Mode mode) throws IOException {
    return ProbeSites.ready(go, mode);
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.goroscope.testing.GoMatrix#cells")
  void otherProcessesNeverTrapAndForeignEventsAreDroppedInTheKernel(Toolchain go, Mode mode)
      throws Exception {
    ProbeSites sites = sites(go, mode);
    // Attached for A, kernel filter set to B. B running its workload must not even run the
    // program (it never traps); A traps (run_cnt grows) but its events are dropped in the kernel.
    String statsBefore = Files.readString(BPF_STATS).trim();
    Files.writeString(BPF_STATS, "1");
    try (Target a = Target.start(sites.binary); Target b = Target.start(sites.binary)) {
      Probes.Options o = new Probes.Options();
      o.filterPid = b.pid();
      try (Probes p = new Probes(sites, a.pid(), o)) {
        BpfProgram newproc1 = p.object.program(GoroscopeBpf.PROG_NEWPROC1_RET);
        assertThat(b.go().exitCode()).isZero();
        assertThat(runCount(newproc1)).as("runs while only the other process worked").isZero();
        assertThat(a.go().exitCode()).isZero();
        assertThat(runCount(newproc1)).as("runs while the attached process worked").isGreaterThanOrEqualTo(85 + 10);
        assertThat(p.finish()).as("events (all from A, filtered out)").isEmpty();
        assertThat(p.losses.total()).isZero();
      }
    } finally {
      Files.writeString(BPF_STATS, statsBefore);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.goroscope.testing.GoMatrix#cells")
  void closeDetachesEveryProbe(Toolchain go, Mode mode) throws Exception {
    ProbeSites sites = sites(go, mode);
    try (Target t = Target.start(sites.binary)) {
      Probes p = new Probes(sites, t.pid(), new Probes.Options());
      int self = (int) ProcessHandle.current().pid();
      assertThat(linkFds()).hasSameSizeAs(p.links);
      assertThat(uprobesOf(self)).hasSameSizeAs(p.links);
      p.close();
      p.reader.close(); // idempotent
      p.links.get(0).close(); // idempotent
      assertThat(linkFds()).isEmpty();
      assertThat(uprobesOf(self)).isEmpty();
      assertThat(tracefsUprobes()).noneMatch(l -> l.contains(sites.binary.toString()));
      assertThat(t.go().exitCode()).isZero();
    }
  }

  /**
   * The kernel drops a dead loader's links whatever the target: one build per minor (each
   * minor's own probe set) is enough, so the stripped and PIE builds, which would only repeat a
   * JVM start each, are left out.
   */
  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("normalBuilds")
  void aKilledSidecarLeavesNoProbeBehind(Toolchain go, Mode mode) throws Exception {
    ProbeSites sites = sites(go, mode);
    try (Target t = Target.start(sites.binary)) {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          "dev.goroscope.bpf.testing.AttachMain", go.name(), mode.name(),
          Integer.toString(t.pid()))
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try {
        BufferedReader out = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        assertThat(line).startsWith("attached ");
        int n = Integer.parseInt(line.substring(9));
        int childPid = (int) child.pid();
        assertThat(uprobesOf(childPid)).hasSize(n);
        Runtime.getRuntime().exec(new String[] {"kill", "-9", Integer.toString(childPid)}).waitFor();
        assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
            assertThat(uprobesOn(sites.binary)).as("uprobes left on the target binary").isEmpty());
      } finally {
        child.destroyForcibly();
      }
      assertThat(t.go().exitCode()).isZero();
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.goroscope.testing.GoMatrix#cells")
  void aTinyRingCountsLossesAndNothingBreaks(Toolchain go, Mode mode) throws Exception {
    ProbeSites sites = sites(go, mode);
    try (Target t = Target.start(sites.binary, "-spawn", "3000")) {
      Probes.Options o = new Probes.Options();
      o.ringBytes = 4096;
      o.read = false; // nobody drains while the workload runs
      o.wakeupBytes = 1024;
      List<TestEvent> events;
      long lost;
      try (Probes p = new Probes(sites, t.pid(), o)) {
        Target.Result r = t.go();
        assertThat(r.exitCode()).isZero();
        assertThat(r.linesOf("spawn")).hasSize(1);
        events = p.finish();
        lost = p.losses.total();
        assertThat(p.losses.newLosses()).isEqualTo(lost);
        assertThat(p.losses.newLosses()).isZero();
      }
      assertThat(lost).isPositive();
      assertThat(events).isNotEmpty().hasSizeLessThan(4096 / 32);
      // every spawned goroutine is created and exits: 6000 hits at least, each kept or counted
      assertThat(events.size() + lost).isGreaterThanOrEqualTo(6000);
    }
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.goroscope.testing.GoMatrix#cells")
  void deepModeSeesParksAndWakeups(Toolchain go, Mode mode) throws Exception {
    ProbeSites sites = sites(go, mode);
    // The codes of the binary's own runtime.waitReasonStrings; WaitGroup.Wait parks as
    // "semacquire" before Go 1.24.
    long chanReceive = sites.waitReasons.get("chan receive");
    long waitGroup = sites.waitReasons.get(go.atLeast(24) ? "sync.WaitGroup.Wait" : "semacquire");
    assertThat(chanReceive).isPositive();
    assertThat(waitGroup).isPositive();
    try (Target t = Target.start(sites.binary, "-fanout", "3", "-depth", "2", "-fired", "4",
        "-cancelled", "0")) {
      Probes.Options o = new Probes.Options();
      o.deep = true;
      List<TestEvent> events;
      Target.Result r;
      try (Probes p = new Probes(sites, t.pid(), o)) {
        r = t.go();
        events = p.finish();
        assertThat(p.losses.total()).isZero();
      }
      assertThat(r.exitCode()).isZero();
      // each goroutine waiting for its deadline parks and is readied; main (goid 1) waits on WaitGroups
      List<Long> waiters = r.linesOf("D").stream().map(d -> Long.parseLong(d[2]))
          .collect(Collectors.toList());
      assertThat(waiters).hasSize(4);
      for (long g : waiters) {
        assertThat(events).as("goroutine %d parks on <-ctx.Done()", g).anySatisfy(e -> {
          assertThat(e.type()).isEqualTo(TestEvent.PARKED);
          assertThat(e.a()).isEqualTo(g);
          assertThat(e.b()).as("waitReasonChanReceive").isEqualTo(chanReceive);
        });
        assertThat(events).anySatisfy(e -> {
          assertThat(e.type()).isEqualTo(TestEvent.READIED);
          assertThat(e.a()).isEqualTo(g);
        });
      }
      // main waits for the tree, then for the context goroutines (20 ms deadlines: it parks
      // there for sure; the tree may be done before main reaches its Wait). The last Done of
      // each WaitGroup main parked on readies it.
      List<Long> wakers = r.linesOf("G").stream().map(g -> Long.parseLong(g[1]))
          .collect(Collectors.toList());
      wakers.addAll(waiters);
      assertThat(events).as("main readied by a goroutine of the program").anySatisfy(e -> {
        assertThat(e.type()).isEqualTo(TestEvent.READIED);
        assertThat(e.a()).isEqualTo(1);
        assertThat(wakers).contains(e.b());
      });
      assertThat(events).as("main parks in WaitGroup.Wait").anySatisfy(e -> {
        assertThat(e.type()).isEqualTo(TestEvent.PARKED);
        assertThat(e.a()).isEqualTo(1);
        assertThat(e.b()).as("WaitGroup.Wait's wait reason").isEqualTo(waitGroup);
      });
      assertThat(events.stream().filter(e -> e.type() == TestEvent.PARKED))
          .allSatisfy(e -> assertThat(e.b()).isBetween(0L, 255L));
    }
  }

  /** run_cnt from the program fd's fdinfo (needs kernel.bpf_stats_enabled). */
  static long runCount(BpfProgram p) throws IOException {
    for (String l : Files.readAllLines(Path.of("/proc/self/fdinfo/" + p.fd()))) {
      if (l.startsWith("run_cnt:")) {
        return Long.parseLong(l.substring(8).trim());
      }
    }
    throw new IllegalStateException("no run_cnt in fdinfo of " + p);
  }

  /** File descriptors of this JVM that are BPF links. */
  static List<Path> linkFds() throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fdinfo"))) {
      for (Path fd : (Iterable<Path>) fds::iterator) {
        try {
          if (Files.readString(fd).contains("link_type:")) {
            out.add(fd);
          }
        } catch (IOException gone) {
          // fd closed meanwhile
        }
      }
    }
    return out;
  }

  /** `bpftool perf` lines: BPF programs attached to uprobes, owned by {@code pid}. */
  static List<String> uprobesOf(int pid) throws IOException, InterruptedException {
    return bpftoolPerf().stream().filter(l -> l.startsWith("pid " + pid + " ") && l.contains("uprobe"))
        .collect(Collectors.toList());
  }

  static List<String> uprobesOn(Path binary) throws IOException, InterruptedException {
    return bpftoolPerf().stream().filter(l -> l.contains(binary.toString()))
        .collect(Collectors.toList());
  }

  static List<String> bpftoolPerf() throws IOException, InterruptedException {
    Process p = new ProcessBuilder("bpftool", "perf", "list").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out.lines().collect(Collectors.toList());
  }

  /** /sys/kernel/tracing/uprobe_events, mounting tracefs if needed. */
  static List<String> tracefsUprobes() throws IOException, InterruptedException {
    Path events = Path.of("/sys/kernel/tracing/uprobe_events");
    if (!Files.exists(events)) {
      new ProcessBuilder("mount", "-t", "tracefs", "nodev", "/sys/kernel/tracing").start().waitFor();
    }
    return Files.exists(events) ? Files.readAllLines(events) : List.of();
  }
}
