package dev.goroscope.gobinary.waitreason;

import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.GoVersion;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSymbol;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Decodes a goroutine's raw {@code waitReason} byte into the runtime's own words ("chan
 * receive", "select" …). The numbering changes between Go versions, so the best source is the
 * binary's own {@code runtime.waitReasonStrings} array; stripped binaries fall back to a
 * per-version table.
 */
public final class WaitReasons {

  /** Which source the strings came from. */
  public enum Source {
    BINARY,
    TABLE
  }

  private final List<String> strings;
  private final Source source;

  private WaitReasons(List<String> strings, Source source) {
    this.strings = Collections.unmodifiableList(strings);
    this.source = source;
  }

  /**
   * The wait reasons of this binary: from {@code runtime.waitReasonStrings} when the symbol is
   * there, else from the table for {@code version}.
   */
  public static WaitReasons of(ElfFile elf, GoVersion version) {
    Optional<WaitReasons> fromBinary = fromBinary(elf);
    return fromBinary.orElseGet(() -> new WaitReasons(WaitReasonTable.forVersion(version),
        Source.TABLE));
  }

  /** Reads {@code runtime.waitReasonStrings} ([N]string) from the binary's data. */
  public static Optional<WaitReasons> fromBinary(ElfFile elf) {
    Optional<ElfSymbol> symbol =
        elf.symbols().stream().filter(s -> s.name().equals("runtime.waitReasonStrings")).findFirst();
    if (symbol.isEmpty() || symbol.get().size() % 16 != 0 || symbol.get().size() > 16 * 256) {
      return Optional.empty();
    }
    try {
      ByteBuffer array = elf.readAddress(symbol.get().value(), symbol.get().size());
      List<String> out = new ArrayList<>();
      for (int i = 0; i < array.capacity(); i += 16) {
        long ptr = array.getLong(i);
        long len = array.getLong(i + 8);
        if (len < 0 || len > 256) {
          return Optional.empty();
        }
        byte[] bytes = new byte[(int) len];
        if (len > 0) {
          elf.readAddress(ptr, len).get(0, bytes);
        }
        out.add(new String(bytes, StandardCharsets.UTF_8));
      }
      return Optional.of(new WaitReasons(out, Source.BINARY));
    } catch (BinaryFormatException e) {
      return Optional.empty();
    }
  }

  /** The reason's text, or {@code "wait reason N"} when out of range. */
  public String describe(int code) {
    if (code >= 0 && code < strings.size() && !strings.get(code).isEmpty()) {
      return strings.get(code);
    }
    return code == 0 ? "" : "wait reason " + code;
  }

  public Source source() {
    return source;
  }

  public List<String> all() {
    return strings;
  }

  /**
   * Built-in numbering per Go version, from the runtime sources (runtime2.go), for stripped
   * binaries. WaitReasonsTest checks the numbering of every Go minor 1.19–1.27 against the
   * {@code runtime.waitReasonStrings} of a real binary built by that toolchain.
   */
  static final class WaitReasonTable {
    private WaitReasonTable() {}

    private static final List<String> GO_1_19 =
        List.of("", "GC assist marking", "IO wait", "chan receive (nil chan)",
            "chan send (nil chan)", "dumping heap", "garbage collection",
            "garbage collection scan", "panicwait", "select", "select (no cases)",
            "GC assist wait", "GC sweep wait", "GC scavenge wait", "chan receive", "chan send",
            "finalizer wait", "force gc (idle)", "semacquire", "sleep", "sync.Cond.Wait",
            "timer goroutine (idle)", "trace reader (blocked)", "wait for GC cycle",
            "GC worker (idle)", "preempted", "debug call");

    private static final List<String> GO_1_20 =
        concat(GO_1_19.subList(0, 21), List.of("sync.Mutex.Lock", "sync.RWMutex.RLock",
            "sync.RWMutex.Lock", "trace reader (blocked)", "wait for GC cycle",
            "GC worker (idle)", "GC worker (active)", "preempted", "debug call",
            "GC mark termination", "stopping the world"));

    private static final List<String> GO_1_22 =
        concat(GO_1_20, List.of("flushing proc caches", "trace goroutine status",
            "trace proc status", "page trace flush", "coroutine"));

    /** 1.23 appends the weak-pointer wait (checked against go1.23.12's own array). */
    private static final List<String> GO_1_23 =
        concat(GO_1_22, List.of("GC weak to strong wait"));

    private static final List<String> GO_1_24 =
        concat(GO_1_22.subList(0, 24), List.of("sync.WaitGroup.Wait"), GO_1_22.subList(24, 37),
            List.of("GC weak to strong wait", "synctest.Run", "synctest.Wait",
                "chan receive (synctest)", "chan send (synctest)", "select (synctest)"));

    private static final List<String> GO_1_25 =
        concat(GO_1_24.subList(0, 18), List.of("GOMAXPROCS updater (idle)"),
            GO_1_24.subList(18, 41),
            List.of("chan receive (durable)", "chan send (durable)", "select (durable)",
                "sync.WaitGroup.Wait (durable)", "cleanup wait"));

    private static final List<String> GO_1_26 =
        concat(List.of("", "GC assist marking", "IO wait", "dumping heap", "garbage collection",
            "garbage collection scan", "panicwait", "GC assist wait", "GC sweep wait",
            "GC scavenge wait", "finalizer wait", "force gc (idle)", "GOMAXPROCS updater (idle)",
            "semacquire", "sleep", "chan receive (nil chan)", "chan send (nil chan)",
            "select (no cases)", "select", "chan receive", "chan send"),
            GO_1_25.subList(21, GO_1_25.size()));

    /** The table of {@code version}; an unknown version gets the newest numbering. */
    static List<String> forVersion(GoVersion version) {
      int minor = version.isKnown() ? version.minor() : Integer.MAX_VALUE;
      if (minor >= 26) {
        return GO_1_26;
      } else if (minor == 25) {
        return GO_1_25;
      } else if (minor == 24) {
        return GO_1_24;
      } else if (minor == 23) {
        return GO_1_23;
      } else if (minor == 22) {
        return GO_1_22;
      } else if (minor >= 20) {
        return GO_1_20;
      }
      return GO_1_19;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
      List<String> out = new ArrayList<>();
      for (List<String> part : parts) {
        out.addAll(part);
      }
      return List.copyOf(out);
    }
  }
}
