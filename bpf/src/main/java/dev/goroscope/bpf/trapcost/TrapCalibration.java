package dev.goroscope.bpf.trapcost;

import dev.goroscope.bpf.BpfException;
import dev.goroscope.bpf.BpfMap;
import dev.goroscope.bpf.BpfObject;
import dev.goroscope.bpf.internal.SelfCalls;
import dev.goroscope.bpf.link.UprobeLink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Measures the trap cost of this host: a uprobe ({@code trapcost.bpf.c}, which does the work
 * goroscope's programs do per hit: pid, time, four reads of user memory, a ring buffer record)
 * is attached, for this process only, to libc's {@code getppid}, which is then called a known
 * number of times with and without the probe. The extra CPU time of the calling thread per
 * call is the cost of one hit — the breakpoint trap, the kernel's uprobe handling (here at
 * getppid's first instruction) and the program — and the program's count must equal the
 * probed calls (else the probe did not fire and the calibration fails). Takes a fraction of a
 * second; touches no other process.
 */
public final class TrapCalibration {

  public static final String RESOURCE = "dev/goroscope/bpf/trapcost.bpf.o";
  public static final int DEFAULT_CALLS = 5_000;
  public static final int DEFAULT_ROUNDS = 3;

  private TrapCalibration() {}

  /** {@link #measure(int, int)} with the defaults. */
  public static TrapCost measure() {
    return measure(DEFAULT_CALLS, DEFAULT_ROUNDS);
  }

  /**
   * @param calls calls per round, once without and once with the probe
   * @param rounds rounds (the median is taken)
   * @throws BpfException when the probe cannot be attached or did not count every call
   */
  public static TrapCost measure(int calls, int rounds) {
    if (calls <= 0 || rounds <= 0) {
      throw new IllegalArgumentException("calls and rounds must be positive");
    }
    Site site = site(SelfCalls.address());
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    int self = (int) ProcessHandle.current().pid();
    try (BpfObject object = BpfObject.openResource(RESOURCE)) {
      object.load();
      BpfMap hits = object.map("hits");
      SelfCalls.call(calls); // warm up the call path
      double[] costs = new double[rounds];
      double[] plain = new double[rounds];
      long counted = 0;
      for (int r = 0; r < rounds; r++) {
        long t0 = cpu.getCurrentThreadCpuTime();
        SelfCalls.call(calls);
        long base = cpu.getCurrentThreadCpuTime() - t0;
        long before = hits.sumPerCpuLongs(0);
        long probed;
        UprobeLink link = UprobeLink.attach(object.program("trapcost_hit"), self,
            site.file(), site.offset());
        try {
          long t1 = cpu.getCurrentThreadCpuTime();
          SelfCalls.call(calls);
          probed = cpu.getCurrentThreadCpuTime() - t1;
        } finally {
          link.close();
        }
        long n = hits.sumPerCpuLongs(0) - before;
        if (n < calls) {
          throw new BpfException("trap-cost calibration: the probe on " + site + " counted "
              + n + " of " + calls + " calls", 0, null);
        }
        counted += n;
        costs[r] = Math.max(0, probed - base) / (double) calls;
        plain[r] = base / (double) calls;
      }
      return new TrapCost(median(costs), median(plain), counted, calls, rounds,
          SelfCalls.FUNCTION + " in " + site);
    }
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** A file and an offset in it. */
  record Site(Path file, long offset) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%s+0x%x", file, offset);
    }
  }

  /** The file mapped at {@code address} in this process, and the offset of the address in it. */
  static Site site(long address) {
    List<String> maps;
    try {
      maps = Files.readAllLines(Path.of("/proc/self/maps"));
    } catch (IOException e) {
      throw new UncheckedIOException("read /proc/self/maps", e);
    }
    Site s = site(maps, address);
    if (s == null) {
      throw new BpfException(String.format(Locale.ROOT,
          "trap-cost calibration: no file mapped at 0x%x in /proc/self/maps", address), 0, null);
    }
    return s;
  }

  /** From the lines of a maps file; null when no file-backed mapping holds {@code address}. */
  static Site site(List<String> maps, long address) {
    for (String line : maps) {
      String[] f = line.trim().split("\\s+", 6);
      if (f.length < 6 || !f[5].startsWith("/")) {
        continue;
      }
      int dash = f[0].indexOf('-');
      long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
      long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
      if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0) {
        long offset = Long.parseUnsignedLong(f[2], 16);
        return new Site(Path.of(f[5]), address - start + offset);
      }
    }
    return null;
  }
}
