package dev.goroscope.bpf.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.bpf.testing.ProbeSites;
import dev.goroscope.bpf.testing.Probes;
import dev.goroscope.bpf.testing.Requirements;
import dev.goroscope.bpf.testing.Target;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Numbers for docs/benchmarks.md (not part of the normal suite: the name does not end in Test).
 * Run: {@code mvn -B -q -pl bpf test -Dtest=ProbeBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 */
class ProbeBenchmark {
  static final Toolchain GO = Toolchain.GO_1_26;

  /** Same shape as EventDecoder's output: all fields read, one object per record. */
  record Decoded(long ts, int pid, int tid, int cpu, int type, long a, long b, long c, long d) {}

  static volatile Object sink;

  @Test
  void readerDrainRate() throws Exception {
    Requirements.assumeReady(GO);
    ProbeSites sites = ProbeSites.of(GO, Mode.NORMAL);
    int spawn = 400_000;
    try (Target t = Target.start(sites.binary, "-spawn", Integer.toString(spawn))) {
      Probes.Options o = new Probes.Options();
      o.ringBytes = 64 << 20;
      o.read = false; // let the ring fill, then drain it in one go on one thread
      o.wakeupBytes = Long.MAX_VALUE;
      try (Probes p = new Probes(sites, t.pid(), o)) {
        assertThat(t.go().exitCode()).isZero();
        long pending = p.reader.pending();
        long[] count = new long[1];
        long start = System.nanoTime();
        int n = p.reader.poll(r -> {
          int at = r.position();
          int len = r.remaining();
          sink = new Decoded(r.getLong(at), r.getInt(at + 8), r.getInt(at + 12), r.getInt(at + 16),
              r.getInt(at + 20), r.getLong(at + 24), len >= 40 ? r.getLong(at + 32) : 0,
              len >= 48 ? r.getLong(at + 40) : 0, len >= 56 ? r.getLong(at + 48) : 0);
          count[0]++;
        }, Duration.ZERO);
        long ns = System.nanoTime() - start;
        assertThat(p.losses.total()).isZero();
        assertThat(n).isGreaterThanOrEqualTo(2 * spawn);
        System.out.printf("BENCH drain: %d records (%d bytes) in %.1f ms = %.2f M records/s on one thread%n",
            n, pending, ns / 1e6, n / (ns / 1e9) / 1e6);
      }
    }
  }

  @Test
  void targetSlowdown() throws Exception {
    Requirements.assumeReady(GO);
    ProbeSites sites = ProbeSites.of(GO, Mode.NORMAL);
    report(sites, "spawn", 50_000);
    report(sites, "ctxbench", 50_000);
    report(sites, "pingpong", 50_000);
  }

  /** Time the BPF programs themselves take per hit (kernel.bpf_stats_enabled run_time_ns). */
  @Test
  void bpfProgramTimePerHit() throws Exception {
    Requirements.assumeReady(GO);
    ProbeSites sites = ProbeSites.of(GO, Mode.NORMAL);
    java.nio.file.Path stats = java.nio.file.Path.of("/proc/sys/kernel/bpf_stats_enabled");
    String before = java.nio.file.Files.readString(stats).trim();
    java.nio.file.Files.writeString(stats, "1");
    try (Target t = Target.start(sites.binary, "-fanout", "6", "-depth", "3", "-fired", "20",
        "-cancelled", "20", "-recurse", "20")) {
      Probes.Options o = new Probes.Options();
      o.deep = true;
      try (Probes p = new Probes(sites, t.pid(), o)) {
        assertThat(t.go().exitCode()).isZero();
        p.finish();
        for (String prog : List.of(dev.goroscope.bpf.GoroscopeBpf.PROG_NEWPROC1_RET,
            dev.goroscope.bpf.GoroscopeBpf.PROG_GOEXIT1_ENTRY,
            dev.goroscope.bpf.GoroscopeBpf.PROG_WITH_DEADLINE_RET,
            dev.goroscope.bpf.GoroscopeBpf.PROG_CANCEL_ENTRY,
            dev.goroscope.bpf.GoroscopeBpf.PROG_GOPARK_ENTRY,
            dev.goroscope.bpf.GoroscopeBpf.PROG_READY_ENTRY)) {
          long cnt = 0;
          long ns = 0;
          for (String l : java.nio.file.Files.readAllLines(java.nio.file.Path.of(
              "/proc/self/fdinfo/" + p.object.program(prog).fd()))) {
            if (l.startsWith("run_cnt:")) {
              cnt = Long.parseLong(l.substring(8).trim());
            } else if (l.startsWith("run_time_ns:")) {
              ns = Long.parseLong(l.substring(12).trim());
            }
          }
          System.out.printf("BENCH bpf %s: %d runs, %.0f ns per run%n", prog, cnt,
              cnt == 0 ? 0.0 : (double) ns / cnt);
        }
      }
    } finally {
      java.nio.file.Files.writeString(stats, before);
    }
  }

  private void report(ProbeSites sites, String workload, int n) throws Exception {
    String[] modes = {"none", "default", "deep"};
    List<List<Long>> times = new ArrayList<>();
    for (int m = 0; m < modes.length; m++) {
      times.add(new ArrayList<>());
    }
    for (int rep = 0; rep < 5; rep++) {
      for (int m = 0; m < modes.length; m++) {
        times.get(m).add(run(sites, workload, n, modes[m]));
      }
    }
    long base = median(times.get(0));
    for (int m = 0; m < modes.length; m++) {
      long med = median(times.get(m));
      System.out.printf("BENCH %s n=%d %s: median %.1f ms (%.2f us/op), ratio %.1fx  all=%s%n",
          workload, n, modes[m], med / 1e6, med / 1e3 / n, (double) med / base, times.get(m));
    }
  }

  private long run(ProbeSites sites, String workload, int n, String mode) throws Exception {
    try (Target t = Target.start(sites.binary, "-" + workload, Integer.toString(n))) {
      Probes p = null;
      if (!mode.equals("none")) {
        Probes.Options o = new Probes.Options();
        o.deep = mode.equals("deep");
        p = new Probes(sites, t.pid(), o);
      }
      try {
        Target.Result r = t.go();
        assertThat(r.exitCode()).isZero();
        if (p != null) {
          p.finish();
          assertThat(p.losses.total()).isZero();
        }
        return Long.parseLong(r.linesOf(workload).get(0)[2]);
      } finally {
        if (p != null) {
          p.close();
        }
      }
    }
  }

  static long median(List<Long> xs) {
    long[] a = xs.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(a);
    return a[a.length / 2];
  }

}
