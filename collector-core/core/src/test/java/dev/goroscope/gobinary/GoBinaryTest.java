package dev.goroscope.gobinary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.gobinary.TestBinaries.Built;
import dev.goroscope.gobinary.buildinfo.BuildInfo;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link GoBinary} on real binaries, checked against the Go toolchain that built them. */
class GoBinaryTest {

  static List<Built> binaries() {
    return TestBinaries.all();
  }

  /** A PIE build's code differs from its normal twin's. */
  static List<Built> notPie() {
    return TestBinaries.allBut(Mode.PIE);
  }

  /** With .symtab. */
  static List<Built> notStripped() {
    return TestBinaries.allBut(Mode.STRIPPED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void buildInfoMatchesGoVersionM(Built b) {
    GoBinary bin = GoBinary.open(b.path());
    String out = GoToolchains.go(b.toolchain(), b.path().getParent(), null, "version", "-m",
        b.path().toString());
    String[] lines = out.split("\n");
    BuildInfo info = bin.buildInfo();
    assertThat(lines[0]).isEqualTo(b.path() + ": " + info.goVersion());
    assertThat(info.goVersion()).isEqualTo(GoToolchains.version(b.toolchain()));
    Map<String, String> settings = new LinkedHashMap<>();
    for (String line : lines) {
      String[] f = line.strip().split("\t");
      switch (f[0]) {
        case "path" -> assertThat(info.path()).isEqualTo(f[1]);
        case "mod" -> {
          assertThat(info.modulePath()).isEqualTo(f[1]);
          assertThat(info.moduleVersion()).isEqualTo(f[2]);
        }
        case "build" -> {
          int eq = f[1].indexOf('=');
          settings.put(f[1].substring(0, eq), f[1].substring(eq + 1));
        }
        default -> { }
      }
    }
    assertThat(info.modulePath()).isEqualTo("example.com/probeprog");
    // go version -m prints values quoted as stored; BuildInfo unquotes them.
    settings.replaceAll((k, v) -> v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
    assertThat(info.settings()).isEqualTo(settings);
    if (b.mode() == Mode.STRIPPED) {
      assertThat(info.setting("-ldflags")).contains("-s -w");
    }
    assertThat(bin.goVersion()).get().satisfies(v -> {
      assertThat(v.release()).isEqualTo(b.toolchain().release());
      assertThat(v.isSupported()).isTrue();
    });
    assertThat(bin.requireSupportedVersion().raw()).isEqualTo(info.goVersion());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void kindOfBinary(Built b) {
    GoBinary bin = GoBinary.open(b.path());
    assertThat(bin.arch()).isEqualTo("amd64");
    assertThat(bin.stripped()).isEqualTo(b.mode() == Mode.STRIPPED);
    assertThat(bin.hasDwarf()).isEqualTo(b.mode() != Mode.STRIPPED);
    assertThat(bin.pie()).isEqualTo(b.mode() == Mode.PIE);
    assertThat(bin.functionSource()).isEqualTo(b.mode() == Mode.STRIPPED ? "pclntab" : "symtab");
    // -s -w keeps the table's section entry on linux, for every toolchain here.
    String section = b.toolchain() == GoToolchains.Toolchain.GO_1_19 && b.mode() == Mode.PIE
        ? ".data.rel.ro.gopclntab" : ".gopclntab";
    assertThat(bin.elf().section(section)).isPresent();
    assertThat(bin.pcLnTable().address()).isEqualTo(bin.elf().section(section).get().address());
    assertThat(bin.pcLnTable().format()).isEqualTo(
        b.toolchain() == GoToolchains.Toolchain.GO_1_19
            ? dev.goroscope.gobinary.pclntab.PcLnFormat.GO118
            : dev.goroscope.gobinary.pclntab.PcLnFormat.GO120);
  }

  /** Function names and file:line of many PCs, as {@code go tool addr2line} prints them. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void resolveMatchesAddr2line(Built b) {
    GoBinary bin = GoBinary.open(b.path());
    List<GoFunction> functions = bin.pcLnTable().functions();
    List<Long> pcs = new ArrayList<>();
    for (int i = 0; i < functions.size(); i++) {
      GoFunction f = functions.get(i);
      boolean interesting = f.name().startsWith("main.") || f.name().startsWith("context.")
          || f.name().equals("runtime.newproc1") || f.name().equals("runtime.gopark");
      if (interesting || i % 7 == 0) {
        pcs.add(f.entry());
        pcs.add(f.entry() + f.size() / 2);
        pcs.add(f.end() - 1);
      }
    }
    String stdin = pcs.stream().map(pc -> "0x" + Long.toHexString(pc))
        .collect(Collectors.joining("\n", "", "\n"));
    // Go 1.19's addr2line looks for .gopclntab only and finds nothing in its own PIE builds
    // (.data.rel.ro.gopclntab); Go 1.26's reads both.
    GoToolchains.Toolchain oracle = b.toolchain() == GoToolchains.Toolchain.GO_1_19
        && b.mode() == Mode.PIE ? GoToolchains.Toolchain.GO_1_26 : b.toolchain();
    String[] out = GoToolchains.go(oracle, b.path().getParent(), stdin,
        "tool", "addr2line", b.path().toString()).split("\n");
    assertThat(out).hasSize(pcs.size() * 2);
    int checked = 0;
    for (int i = 0; i < pcs.size(); i++) {
      CodeLocation loc = bin.resolve(pcs.get(i));
      // addr2line prints ":-1" where the line table ends before the function (padding).
      String expected = out[2 * i] + " " + out[2 * i + 1].replace(":-1", ":0");
      if (out[2 * i].equals("?")) {
        continue; // addr2line knows no function here (padding after a function's last byte)
      }
      assertThat(loc.function() + " " + loc.file() + ":" + loc.line())
          .as("pc 0x%x", pcs.get(i)).isEqualTo(expected);
      checked++;
    }
    assertThat(checked).isGreaterThan(600);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void functionLookupAndCallerLine(Built b) {
    GoBinary bin = GoBinary.open(b.path());
    GoFunction newproc1 = bin.function("runtime.newproc1").orElseThrow();
    assertThat(bin.functionAt(newproc1.entry() + 5)).get()
        .extracting(GoFunction::name).isEqualTo("runtime.newproc1");
    assertThat(bin.resolve(newproc1.entry()).file()).endsWith("/runtime/proc.go");
    assertThat(bin.function("no.such.function")).isEmpty();
    assertThat(bin.resolve(0x10)).isEqualTo(CodeLocation.UNKNOWN);

    // A return address just past a call is attributed to the call's line (pc − 1).
    GoFunction main = bin.function("main.main").orElseThrow();
    CodeLocation atEntry = bin.resolveReturnAddress(main.entry() + 1);
    assertThat(atEntry.function()).isEqualTo("main.main");
    assertThat(atEntry.file()).endsWith("/probeprog/main.go");
  }

  /** g.startpc of `go worker(...)` is a compiler wrapper; the runtime's tracer unwraps it. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void startFunctionUnwrapsGoStatementWrappers(Built b) {
    GoBinary bin = GoBinary.open(b.path());
    String wrapperName = b.toolchain() == GoToolchains.Toolchain.GO_1_19
        ? "main.main.func2" : "main.main.gowrap1";
    GoFunction wrapper = bin.function(wrapperName).orElseThrow();
    assertThat(bin.pcLnTable().isWrapper(wrapper.entry())).isTrue();
    assertThat(bin.resolve(wrapper.entry()).line()).isEqualTo(sourceLine("go worker("));
    assertThat(bin.startFunction(wrapper.entry())).get()
        .extracting(GoFunction::name).isEqualTo("main.worker");

    // The closure of `go func() {...}()` is the goroutine's own code, not a wrapper.
    GoFunction closure = bin.function("main.main.func1").orElseThrow();
    assertThat(bin.pcLnTable().isWrapper(closure.entry())).isFalse();
    assertThat(bin.resolve(closure.entry()).line()).isEqualTo(sourceLine("go func() {"));
    assertThat(bin.startFunction(closure.entry())).get()
        .extracting(GoFunction::name).isEqualTo("main.main.func1");
    assertThat(bin.startFunction(bin.function("main.worker").orElseThrow().entry())).get()
        .extracting(GoFunction::name).isEqualTo("main.worker");
  }

  /** The 1-based line of probeprog/main.go that contains {@code text}. */
  static int sourceLine(String text) {
    try {
      List<String> lines = java.nio.file.Files.readAllLines(
          GoToolchains.probeProgram().resolve("main.go"));
      for (int i = 0; i < lines.size(); i++) {
        if (lines.get(i).contains(text)) {
          return i + 1;
        }
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    throw new AssertionError("no line with " + text);
  }

  /** The stripped twin has the same code, so the same functions at the same addresses. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("notPie")
  void strippedTwinHasSameFunctions(Built b) {
    GoBinary bin = GoBinary.open(b.path());
    GoBinary twin = GoBinary.open(b.twin());
    assertThat(bin.pcLnTable().textStart()).isEqualTo(twin.pcLnTable().textStart());
    assertThat(bin.pcLnTable().functions()).isEqualTo(twin.pcLnTable().functions());
    for (String name : List.of("runtime.newproc1", "runtime.gopark", "runtime.execute",
        "main.main", "main.worker")) {
      GoFunction f = bin.function(name).orElseThrow();
      GoFunction t = twin.function(name).orElseThrow();
      assertThat(f.entry()).isEqualTo(t.entry());
      assertThat(bin.fileOffset(f.entry())).isEqualTo(twin.fileOffset(t.entry()));
    }
  }

  /**
   * With .symtab, its function symbols agree with .gopclntab: every table entry has a symbol
   * at its address (named alike, or with {@code .abi0} for ABI wrappers), and a look-up by name
   * finds the same function either way.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("notStripped")
  void symtabAgreesWithPclntab(Built b) {
    GoBinary bin = GoBinary.open(b.path());
    assertThat(bin.stripped()).isFalse();
    Map<Long, List<String>> symbolsAt = new HashMap<>();
    Map<String, GoFunction> symbolsByName = new HashMap<>();
    for (GoFunction f : bin.functions()) {
      symbolsAt.computeIfAbsent(f.entry(), k -> new ArrayList<>()).add(f.name());
      symbolsByName.put(f.name(), f);
    }
    int compared = 0;
    int sameName = 0;
    for (GoFunction f : bin.pcLnTable().functions()) {
      List<String> names = symbolsAt.get(f.entry());
      assertThat(names).as(f.toString()).isNotNull();
      // Assembly functions carry only a ".abi0" symbol; generated equality functions are
      // spelled differently in the two tables (type:.eq.…).
      if (names.contains(f.name()) || names.contains(f.name() + ".abi0")) {
        sameName++;
      }
      if (symbolsByName.containsKey(f.name())) {
        GoFunction bySymtab = bin.function(f.name()).orElseThrow();
        GoFunction byTable = bin.pcLnTable().function(f.name()).orElseThrow();
        assertThat(byTable.entry()).as(f.name()).isEqualTo(bySymtab.entry());
        assertThat(bySymtab.end()).as(f.name()).isBetween(byTable.entry(), byTable.end());
        compared++;
      }
    }
    assertThat(sameName).isGreaterThan(bin.pcLnTable().functionCount() * 98 / 100);
    assertThat(compared).isGreaterThan(1000);
  }
}
