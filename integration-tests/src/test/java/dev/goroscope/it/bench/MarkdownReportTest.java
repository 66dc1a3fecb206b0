package dev.goroscope.it.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownReportTest {

  @Test
  void floorRatioIsOnTimePerRequest() {
    // none 10,000 req/s = 100 µs; floor 5,000 = 200 µs; mode 4,000 = 250 µs: (250-100)/(200-100)
    assertThat(MarkdownReport.floorRatio(4_000, 10_000, 5_000)).isEqualTo("1.50");
    assertThat(MarkdownReport.floorRatio(5_000, 10_000, 5_000)).isEqualTo("1.00");
    assertThat(MarkdownReport.floorRatio(10_000, 10_000, 5_000)).isEqualTo("0.00");
    assertThat(MarkdownReport.floorRatio(4_000, 10_000, 10_500)).startsWith("n/a");
    assertThat(MarkdownReport.floorRatio(4_000, Double.NaN, 5_000)).isEqualTo("—");
  }

  @Test
  void microsecondsAndNothingToShow() {
    assertThat(MarkdownReport.us(1_500)).isEqualTo("1.50 µs");
    assertThat(MarkdownReport.us(100_000)).isEqualTo("100.0 µs");
    // sampled mode has no events: CPU per event is x / 0
    assertThat(MarkdownReport.us(100_000 / 0.0)).isEqualTo("—");
    assertThat(MarkdownReport.us(Double.NaN)).isEqualTo("—");
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertThat(MarkdownReport.median(List.of(3.0, 1.0, 2.0), x -> x)).isEqualTo(2.0);
    assertThat(MarkdownReport.median(List.of(4.0, 1.0, 2.0, 3.0), x -> x)).isEqualTo(2.5);
    assertThat(MarkdownReport.median(List.<Double>of(), x -> x)).isNaN();
  }

  @Test
  void rotationMovesTheFirstModeEachRound() {
    assertThat(OverheadRun.rotated(List.of(1, 2, 3), 0)).containsExactly(1, 2, 3);
    assertThat(OverheadRun.rotated(List.of(1, 2, 3), 1)).containsExactly(2, 3, 1);
    assertThat(OverheadRun.rotated(List.of(1, 2, 3), 4)).containsExactly(2, 3, 1);
  }

  @Test
  void threadKindsByHotSpotName() {
    assertThat(ProcessCpu.ThreadKind.of("java")).isEqualTo(ProcessCpu.ThreadKind.MAIN);
    assertThat(ProcessCpu.ThreadKind.of("C2 CompilerThre")).isEqualTo(ProcessCpu.ThreadKind.JIT);
    assertThat(ProcessCpu.ThreadKind.of("C1 CompilerThre")).isEqualTo(ProcessCpu.ThreadKind.JIT);
    assertThat(ProcessCpu.ThreadKind.of("GC Thread#1")).isEqualTo(ProcessCpu.ThreadKind.GC);
    assertThat(ProcessCpu.ThreadKind.of("G1 Conc#0")).isEqualTo(ProcessCpu.ThreadKind.GC);
    assertThat(ProcessCpu.ThreadKind.of("VM Thread")).isEqualTo(ProcessCpu.ThreadKind.GC);
    assertThat(ProcessCpu.ThreadKind.of("JNA Cleaner")).isEqualTo(ProcessCpu.ThreadKind.OTHER);
  }

  @Test
  void bpfProgramTimeComesFromProgramDescriptorsOnly() {
    String prog = "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1057\nprog_type:\t2\n"
        + "prog_jited:\t1\nprog_tag:\t3b185187f1855c4c\nmemlock:\t4096\nprog_id:\t155025\n"
        + "run_time_ns:\t4390000\nrun_cnt:\t10000\nrecursion_misses:\t0\n";
    String map = "pos:\t0\nflags:\t02000002\nmap_type:\t27\nkey_size:\t0\n";
    String file = "pos:\t12\nflags:\t0100000\nmnt_id:\t20\nino:\t33\n";
    assertThat(BpfProgramTime.parse(prog)).isEqualTo(new BpfProgramTime(4_390_000, 10_000));
    assertThat(BpfProgramTime.parse(map)).isEqualTo(BpfProgramTime.ZERO);
    assertThat(BpfProgramTime.parse(file)).isEqualTo(BpfProgramTime.ZERO);
    // A kernel that does not count (no run_* lines) reads as nothing run.
    assertThat(BpfProgramTime.parse("prog_type:\t2\nprog_id:\t7\n"))
        .isEqualTo(BpfProgramTime.ZERO);
    assertThat(new BpfProgramTime(500, 3).since(new BpfProgramTime(200, 1)))
        .isEqualTo(new BpfProgramTime(300, 2));
  }

  @Test
  void ownCpuIsAThreadsTimeOnTheCpu() throws Exception {
    // A thread named "java", which ProcessCpu counts as MAIN (what the sidecar's main thread is
    // called): the JVM names a started thread's native thread after it. Not the test's own
    // thread: its native name depends on what ran before it in this JVM.
    long[] clocks = new long[3]; // inner, outer, x
    CpuUse[] used = new CpuUse[1];
    Thread busy = new Thread(() -> {
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      long pid = ProcessHandle.current().pid();
      ProcessCpu.read(pid); // loads the classes that read /proc
      long outerBefore = mx.getCurrentThreadCpuTime();
      ProcessCpu before = ProcessCpu.read(pid);
      long innerBefore = mx.getCurrentThreadCpuTime();
      long x = 0;
      for (long i = 0; i < 300_000_000L; i++) {
        x += i ^ (x >>> 3);
      }
      clocks[0] = mx.getCurrentThreadCpuTime() - innerBefore;
      used[0] = ProcessCpu.read(pid).since(before);
      clocks[1] = mx.getCurrentThreadCpuTime() - outerBefore;
      clocks[2] = x;
    }, "java");
    busy.start();
    busy.join();
    long inner = clocks[0];
    long outer = clocks[1];
    assertThat(clocks[2]).isNotZero();
    assertThat(inner).as("hundreds of ms of arithmetic").isGreaterThan(50_000_000L);
    // schedstat and the JVM's thread clock count the same scheduler time. The two snapshots lie
    // between the outer and the inner clock reads; a running thread's schedstat may lag by the
    // slice it is in (at most a scheduler tick, 10 ms at the lowest HZ). Other threads called
    // "java" (the launcher's, maybe the JVM's main thread) wait meanwhile.
    assertThat(used[0].mainNs()).isBetween(inner - 10_000_000L, outer + 10_000_000L);
  }
}
