package dev.goroscope.sample;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Map;

/** TEMPORARY: per-phase thread CPU time, printed when -Dgoroscope.phases is set. */
final class Phase {
  static final boolean ON = Boolean.getBoolean("goroscope.phases");
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static final Map<String, long[]> T = new LinkedHashMap<>();
  private static long last = -1;
  private static long lastU = -1;

  static void mark(String name) {
    if (!ON) {
      return;
    }
    long now = MX.getCurrentThreadCpuTime();
    long u = MX.getCurrentThreadUserTime();
    if (last >= 0) {
      long[] v = T.computeIfAbsent(name, k -> new long[2]);
      v[0] += now - last;
      v[1] += u - lastU;
    }
    last = now;
    lastU = u;
  }

  static void print() {
    if (!ON) {
      return;
    }
    StringBuilder sb = new StringBuilder("phases(ms cpu/user):");
    T.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v[0] / 1000000).append('/')
        .append(v[1] / 1000000));
    System.err.println(sb);
    T.clear();
    last = -1;
  }
}
