package dev.goroscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.GoroscopeException;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoFunction;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSection;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Corrupts real Go binaries thousands of times (seeded, so every run does the same) and runs
 * what {@code goroscope inspect} runs on each: the only failure allowed is a {@link
 * GoroscopeException} (bad input, one clear line), within a time bound, within the heap.
 */
class InspectMutationTest {

  private static final long SEED = 0x60_2050_0e;
  /** One mutated binary must be read far faster than this, hangs included. */
  private static final long MAX_MILLIS_PER_CASE = 2_000;

  /** A byte range of the binary worth corrupting. */
  record Region(String name, int start, int end) {}

  /** One binary, how many mutations it gets, and where. */
  record Target(String name, byte[] bytes, List<Region> regions, int mutations) {}

  private static final List<Target> TARGETS = new ArrayList<>();

  /** Builds the targets before the timed test: building is not what the time bound is for. */
  @BeforeAll
  static void buildTargets() throws IOException {
    // Stripped binaries are quick to read: most mutations go there, 2,100 shared by the
    // stripped builds of every Go minor.
    for (Toolchain tc : Toolchain.values()) {
      TARGETS.add(target(tc, Mode.STRIPPED, 2_100 / Toolchain.values().length));
    }
    // Uncompressed DWARF exposes the DWARF parser itself (DWARF 4 from 1.19, 5 from 1.26);
    // the normal build covers zlib-compressed sections.
    TARGETS.add(target(Toolchain.GO_1_19, Mode.UNCOMPRESSED_DWARF, 300));
    TARGETS.add(target(Toolchain.GO_1_26, Mode.UNCOMPRESSED_DWARF, 300));
    TARGETS.add(target(Toolchain.GO_1_26, Mode.NORMAL, 150));
    TARGETS.add(target(Toolchain.GO_1_26, Mode.PIE, 150));
    // No section table: build information, .gopclntab and moduledata are found by scanning.
    TARGETS.add(headless(target(Toolchain.GO_1_27, Mode.STRIPPED, 200)));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void corruptedBinariesFailOnlyWithGoroscopeException() {
    List<Target> targets = TARGETS;
    // Unmutated, every target reads cleanly; this also warms up the JIT and loads Capstone so
    // the per-case time bound measures the readers, not start-up.
    for (Target t : targets) {
      inspect(t.name(), ByteBuffer.wrap(t.bytes()));
    }
    Random random = new Random(SEED);
    List<String> failures = new ArrayList<>();
    int cases = 0;
    int rejected = 0;
    long slowest = 0;
    String slowestCase = "";
    long started = System.nanoTime();
    for (Target t : targets) {
      for (int i = 0; i < t.mutations(); i++) {
        byte[] copy = t.bytes().clone();
        // Mostly one corruption, sometimes a few at once.
        String what = mutate(random, t, copy);
        for (int extra = random.nextInt(4) == 0 ? random.nextInt(3) + 1 : 0; extra > 0;
            extra--) {
          what = mutate(random, t, copy) + "; " + what;
        }
        ByteBuffer image = ByteBuffer.wrap(copy, 0, length(what, copy.length)).slice();
        long t0 = System.nanoTime();
        try {
          inspect(t.name(), image);
        } catch (GoroscopeException expected) {
          rejected++;
          assertThat(expected.getMessage()).doesNotContain("\n");
        } catch (Throwable e) {
          failures.add(t.name() + " #" + i + " " + what + ": " + e);
          if (failures.size() == 1) {
            e.printStackTrace();
          }
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        if (millis > slowest) {
          slowest = millis;
          slowestCase = t.name() + " #" + i + " " + what;
        }
        if (millis > MAX_MILLIS_PER_CASE) {
          failures.add(t.name() + " #" + i + " " + what + ": took " + millis + " ms");
        }
        cases++;
      }
    }
    long total = (System.nanoTime() - started) / 1_000_000;
    System.out.printf("mutation test: %d cases, %d rejected with GoroscopeException, %d read"
        + " anyway, slowest %d ms (%s), total %d ms%n", cases, rejected, cases - rejected,
        slowest, slowestCase, total);
    assertThat(failures).isEmpty();
    assertThat(cases).isGreaterThanOrEqualTo(3000);
    // The mutations must really hit something, not only harmless padding.
    assertThat(rejected).isGreaterThan(cases / 4);
  }

  /** Everything inspect and attach read: facade, offsets, probe sites, report, look-ups. */
  private static void inspect(String name, ByteBuffer image) {
    GoBinary bin = GoBinary.of(ElfFile.parse(Path.of(name), image));
    InspectReport report = InspectReport.create(bin);
    report.toJson();
    report.toText();
    List<GoFunction> functions = bin.functions();
    int n = functions.size();
    for (int i = 0; i < n; i += Math.max(1, n / 64)) {
      GoFunction f = functions.get(i);
      bin.resolve(f.entry() + f.size() / 2);
      bin.resolveReturnAddress(f.entry() + 1);
      bin.startFunction(f.entry());
    }
    bin.function("main.main.gowrap1").ifPresent(f -> bin.startFunction(f.entry()));
    bin.pcLnTable().function("runtime.newproc1");
    bin.requireSupportedVersion();
  }

  private static Target target(Toolchain tc, Mode mode, int mutations) throws IOException {
    Path path = GoToolchains.build(GoToolchains.probeProgram(), tc, mode);
    byte[] bytes = Files.readAllBytes(path);
    ElfFile elf = ElfFile.open(path);
    List<Region> regions = new ArrayList<>();
    regions.add(new Region("elf header", 0, 64));
    ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int phoff = (int) h.getLong(32);
    regions.add(new Region("program headers", phoff, phoff + 56 * h.getShort(56)));
    int shoff = (int) h.getLong(40);
    regions.add(new Region("section headers", shoff, shoff + 64 * h.getShort(60)));
    for (ElfSection s : elf.sections()) {
      if (s.type() == ElfSection.SHT_NOBITS || s.size() == 0 || s.offset() == 0) {
        continue;
      }
      int start = (int) s.offset();
      int end = (int) (s.offset() + s.size());
      String n = s.name();
      if (n.contains("gopclntab")) {
        regions.add(new Region(n + " header", start, start + 72));
        regions.add(new Region(n, start, end));
        regions.add(new Region(n, start, end)); // the table is most of what inspect reads
      } else if (n.startsWith(".debug_info") || n.startsWith(".debug_abbrev")
          || n.startsWith(".debug_str") || n.startsWith(".zdebug")) {
        regions.add(new Region(n + " head", start, Math.min(end, start + 256)));
        regions.add(new Region(n, start, end));
      } else if (n.equals(".go.buildinfo") || n.equals(".go.module") || n.equals(".noptrdata")
          || n.equals(".symtab") || n.equals(".strtab") || n.equals(".shstrtab")
          || n.equals(".text") || n.equals(".rodata") || n.equals(".data.rel.ro")) {
        regions.add(new Region(n, start, Math.min(end, start + 4096)));
      }
    }
    return new Target(tc.release() + "-" + mode.name().toLowerCase(), bytes, regions,
        mutations);
  }

  /** The same binary with its section table dropped (e_shoff, e_shnum, e_shstrndx = 0). */
  private static Target headless(Target t) {
    byte[] bytes = t.bytes().clone();
    ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    h.putLong(40, 0);
    h.putShort(60, (short) 0);
    h.putShort(62, (short) 0);
    List<Region> regions = new ArrayList<>(t.regions());
    regions.removeIf(r -> r.name().equals("section headers"));
    return new Target(t.name() + "-headless", bytes, regions, t.mutations());
  }

  /** Applies one random mutation to {@code b}; returns its description (with the length). */
  private static String mutate(Random r, Target t, byte[] b) {
    Region region = t.regions().get(r.nextInt(t.regions().size()));
    int span = Math.max(1, region.end() - region.start());
    int at = region.start() + r.nextInt(span);
    at = Math.min(at, b.length - 8);
    int kind = r.nextInt(10);
    String what;
    switch (kind) {
      case 0, 1, 2 -> {
        int bit = r.nextInt(8);
        b[at] ^= (byte) (1 << bit);
        what = "flip bit " + bit;
      }
      case 3, 4 -> {
        b[at] = (byte) r.nextInt(256);
        what = "random byte";
      }
      case 5, 6 -> {
        at &= ~3;
        long[] interesting = {0, 0xffffffffL, 0x7fffffffL, 0x80000000L, 1, span, b.length,
            r.nextInt()};
        long v = interesting[r.nextInt(interesting.length)];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, (int) v);
        what = "u32 " + Long.toHexString(v);
      }
      case 7 -> {
        at &= ~7;
        long[] interesting = {0, -1L, Long.MAX_VALUE, 1L << 40, b.length, r.nextLong()};
        long v = interesting[r.nextInt(interesting.length)];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
        what = "u64 " + Long.toHexString(v);
      }
      default -> {
        return "truncate at " + at + " in " + region.name() + " len=" + at;
      }
    }
    return what + " at " + at + " in " + region.name() + " len=" + b.length;
  }

  /** The image length after all mutations in {@code what}: the shortest truncation. */
  private static int length(String what, int full) {
    int len = full;
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("len=(\\d+)").matcher(what);
    while (m.find()) {
      len = Math.min(len, Integer.parseInt(m.group(1)));
    }
    return len;
  }
}
