package dev.goroscope.bpf;

import dev.goroscope.bpf.internal.BpfCalls;
import dev.goroscope.bpf.internal.OsCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Whether goroscope's probes can work here, checked once: Linux on x86-64, libbpf 1.x
 * installed, root or CAP_BPF + CAP_PERFMON, a kernel with uprobes and BPF ring buffers.
 */
public final class BpfFeatures {
  private static final int CAP_SYS_ADMIN = 21;
  private static final int CAP_PERFMON = 38;
  private static final int CAP_BPF = 39;
  private static final Path UPROBE_PMU = Path.of("/sys/bus/event_source/devices/uprobe/type");

  private static volatile Optional<String> cause;

  private BpfFeatures() {}

  /** True when {@link #unavailabilityCause()} is empty. */
  public static boolean isAvailable() {
    return unavailabilityCause().isEmpty();
  }

  /** Why probes cannot work here (one lower-case line ending with the fix), or empty. */
  public static Optional<String> unavailabilityCause() {
    Optional<String> c = cause;
    if (c == null) {
      synchronized (BpfFeatures.class) {
        c = cause;
        if (c == null) {
          c = Optional.ofNullable(check());
          cause = c;
        }
      }
    }
    return c;
  }

  /** Throws a {@link BpfException} with the cause if unavailable. */
  public static void ensureAvailable() {
    ensureAvailable(c -> new BpfException(c, 0, null));
  }

  /**
   * As {@link #ensureAvailable()}, throwing the exception {@code failure} makes of the one-line
   * cause (the command line turns it into its own "fix your environment" error).
   */
  public static <E extends RuntimeException> void ensureAvailable(
      java.util.function.Function<String, E> failure) {
    Optional<String> cause = unavailabilityCause();
    if (cause.isPresent()) {
      throw failure.apply(cause.get());
    }
  }

  static void ensureLibbpf() {
    Throwable failure = BpfCalls.libraryLoadFailure();
    if (failure != null) {
      throw new BpfException(
          "libbpf is not installed (" + failure.getMessage() + ")", 0,
          "install the apt package libbpf1");
    }
  }

  private static String check() {
    String os = System.getProperty("os.name", "");
    String arch = System.getProperty("os.arch", "");
    if (!os.equals("Linux")) {
      return "eBPF probes need Linux, this is " + os;
    }
    if (!List.of("amd64", "x86_64").contains(arch)) {
      return "goroscope's probes support linux/amd64 only, this is " + arch;
    }
    Throwable failure = BpfCalls.libraryLoadFailure();
    if (failure != null) {
      return "libbpf is not installed: install the apt package libbpf1";
    }
    // Capabilities, not the uid: root in a container may lack them.
    long caps = effectiveCapabilities();
    boolean admin = (caps & (1L << CAP_SYS_ADMIN)) != 0;
    boolean bpf = (caps & (1L << CAP_BPF)) != 0;
    boolean perfmon = (caps & (1L << CAP_PERFMON)) != 0;
    if (!admin && !(bpf && perfmon)) {
      String missing = !bpf && !perfmon ? "CAP_BPF and CAP_PERFMON" : !bpf ? "CAP_BPF" : "CAP_PERFMON";
      return (OsCalls.euid() == 0 ? "root but missing " : "not root and missing ") + missing
          + ": run as root or grant CAP_BPF and CAP_PERFMON (setcap or docker --cap-add)";
    }
    if (!Files.exists(UPROBE_PMU)) {
      return "the kernel has no uprobe support (" + UPROBE_PMU
          + " missing): use a kernel built with CONFIG_UPROBE_EVENTS";
    }
    int rb = BpfCalls.probeMapType(BpfMap.TYPE_RINGBUF);
    if (rb == 0) {
      return "the kernel has no BPF ring buffer: use Linux 5.8 or newer";
    }
    if (rb < 0) {
      return BpfException.of("probe for BPF ring buffer support", -rb).getMessage();
    }
    return null;
  }

  /** CapEff from /proc/self/status, 0 if unreadable. */
  private static long effectiveCapabilities() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          return Long.parseUnsignedLong(line.substring(7).trim(), 16);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }
}
