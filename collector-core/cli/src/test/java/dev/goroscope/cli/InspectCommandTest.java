package dev.goroscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoFunction;
import dev.goroscope.gobinary.TestBinaries;
import dev.goroscope.gobinary.TestBinaries.Built;
import dev.goroscope.gobinary.offsets.OffsetTable;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code goroscope inspect} end to end through {@link Main#run}, on real binaries. */
class InspectCommandTest {

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  static JsonNode json(Path binary) throws IOException {
    Result r = run("inspect", "--json", binary.toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  static List<Built> binaries() {
    return TestBinaries.all();
  }

  static List<Built> strippedBinaries() {
    return TestBinaries.of(Mode.STRIPPED);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void jsonDescribesTheBinary(Built b) throws IOException {
    JsonNode j = json(b.path());
    boolean stripped = b.mode() == Mode.STRIPPED;
    assertThat(j.get("goVersion").asText()).isEqualTo(GoToolchains.version(b.toolchain()));
    assertThat(j.get("supported").asBoolean()).isTrue();
    assertThat(j.get("modulePath").asText()).isEqualTo("example.com/probeprog");
    assertThat(j.get("arch").asText()).isEqualTo("amd64");
    assertThat(j.get("stripped").asBoolean()).isEqualTo(stripped);
    assertThat(j.get("hasDwarf").asBoolean()).isEqualTo(!stripped);
    assertThat(j.get("pie").asBoolean()).isEqualTo(b.mode() == Mode.PIE);
    assertThat(j.get("offsetSource").asText()).isEqualTo(stripped ? "table" : "dwarf");
    JsonNode offsets = j.get("offsets");
    for (String key : List.of("runtime.g.goid", "runtime.g.atomicstatus", "runtime.g.waitreason",
        "runtime.hchan.qcount", "runtime.g.gopc", "runtime.g.startpc", "runtime.g.m",
        "runtime.m.curg", "context.timerCtx.deadline", "context.cancelCtx.err")) {
      assertThat(offsets.has(key)).as(key).isTrue();
      assertThat(offsets.get(key).isIntegralNumber()).as(key).isTrue();
    }
    // Absent, not zero: g.parentGoid exists from Go 1.21.
    assertThat(offsets.has("runtime.g.parentGoid")).isEqualTo(b.toolchain().atLeast(21));
    // From the DWARF or, stripped, the table: either way exactly the minor's table row.
    Map<String, Long> printed = new TreeMap<>();
    offsets.properties().forEach(e -> printed.put(e.getKey(), e.getValue().asLong()));
    assertThat(printed).isEqualTo(new TreeMap<>(
        OffsetTable.builtIn().row(b.toolchain().minorNumber()).orElseThrow().asMap()));
    // Nothing a probe needs is missing; inlined alternatives are listed, not required.
    JsonNode missing = j.get("missing");
    assertThat(missing.isArray()).isTrue();
    for (JsonNode m : missing) {
      assertThat(m.get("required").asBoolean()).as(m.toString()).isFalse();
      assertThat(m.get("goVersion").asText()).isEqualTo(j.get("goVersion").asText());
    }
    if (b.toolchain().atLeast(21)) {
      // context.WithDeadline is inlined from Go 1.21: no symbol, WithDeadlineCause is probed.
      assertThat(missing).anySatisfy(m -> {
        assertThat(m.get("name").asText()).isEqualTo("context.WithDeadline");
        assertThat(m.get("kind").asText()).isEqualTo("function");
        assertThat(m.get("fallback").asText()).isEqualTo("context.WithDeadlineCause");
        assertThat(m.get("reason").asText()).contains("inlined");
      });
    }

    GoBinary bin = GoBinary.open(b.path());
    JsonNode probes = j.get("probes");
    List<String> functions = new java.util.ArrayList<>();
    for (JsonNode p : probes) {
      String name = p.get("function").asText();
      functions.add(name);
      GoFunction f = bin.function(name).orElseThrow();
      assertThat(p.get("address").asLong()).as(name).isEqualTo(f.entry());
      long fileOffset = bin.fileOffset(f.entry());
      assertThat(p.get("fileOffset").asLong()).as(name).isEqualTo(fileOffset);
      assertThat(p.get("entryOffset").asLong()).as(name)
          .isBetween(fileOffset, fileOffset + f.size() - 1);
      assertThat(p.get("entryNote").asText()).as(name).isNotEmpty();
      JsonNode rets = p.get("returnOffsets");
      assertThat(rets.isArray()).isTrue();
      for (JsonNode r : rets) {
        assertThat(r.asLong()).as(name).isBetween(fileOffset, fileOffset + f.size() - 1);
      }
      if (p.get("attach").asText().equals("returns")) {
        assertThat(rets).as(name).isNotEmpty();
      }
    }
    assertThat(functions).contains("runtime.newproc1", "runtime.goexit1",
        "context.(*cancelCtx).cancel", "runtime.gopark", "runtime.ready");
    assertThat(functions).contains(b.toolchain().atLeast(21)
        ? "context.WithDeadlineCause" : "context.WithDeadline");
  }

  /** The stripped twin (table offsets, pclntab symbols) prints what the normal build does. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("strippedBinaries")
  void strippedTwinGivesSameOffsets(Built b) throws IOException {
    JsonNode stripped = json(b.path());
    JsonNode normal = json(b.twin());
    assertThat(stripped.get("offsets")).isEqualTo(normal.get("offsets"));
    // Same code, so the same probe sites (function bounds from .gopclntab vs .symtab differ
    // only by the INT3 padding after a function, which holds no RET).
    assertThat(stripped.get("probes")).isEqualTo(normal.get("probes"));
    assertThat(stripped.get("missing")).isEqualTo(normal.get("missing"));
    assertThat(stripped.get("goVersion")).isEqualTo(normal.get("goVersion"));
  }

  @Test
  void textOutputNamesTheEssentials() {
    Path bin = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, Mode.STRIPPED);
    Result r = run("inspect", bin.toString());
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("go version:  " + GoToolchains.version(Toolchain.GO_1_26))
        .contains("module:      example.com/probeprog")
        .contains("stripped:    yes")
        .contains("runtime.g.goid");
  }

  @Test
  void resolvePrintsFunctionFileLineAsAddr2line() {
    Path bin = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, Mode.STRIPPED);
    Path normal = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, Mode.NORMAL);
    long worker = GoBinary.open(normal).function("main.worker")
        .orElseThrow().entry();
    String addr = "0x" + Long.toHexString(worker + 4);
    String[] expected = GoToolchains.go(Toolchain.GO_1_26, bin.getParent(), addr + "\n",
        "tool", "addr2line", bin.toString()).split("\n");
    Result r = run("inspect", "--resolve", addr, bin.toString());
    assertThat(r.err()).isEmpty();
    assertThat(r.out().strip()).isEqualTo(expected[0] + " " + expected[1]);
    assertThat(r.out()).startsWith("main.worker ").contains("/probeprog/main.go:");
  }

  // ---- bad input: one clear line on stderr, exit 2, no stack trace ----

  static void assertBadInput(Result r, String expectedFragment) {
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("goroscope: ").contains(expectedFragment);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void notElf(@TempDir Path dir) throws IOException {
    Path f = Files.writeString(dir.resolve("script.sh"), "#!/bin/sh\necho hi\n");
    assertBadInput(run("inspect", f.toString()), "is not an ELF file");
    Path empty = Files.createFile(dir.resolve("empty"));
    assertBadInput(run("inspect", empty.toString()), "is not an ELF file");
  }

  @Test
  void elfThatIsNotGo() {
    Path ls = Path.of("/bin/ls");
    assertThat(ls).exists();
    assertBadInput(run("inspect", ls.toString()), "is not a Go executable");
  }

  @Test
  void arm64IsRecognisedButNotYetSupported() {
    Path bin = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, Mode.ARM64);
    assertBadInput(run("inspect", bin.toString()), "arm64 is not yet supported");
  }

  @Test
  void thirtyTwoBit() {
    Path bin = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, Mode.I386);
    assertBadInput(run("inspect", "--json", bin.toString()), "is a 32-bit ELF file");
  }

  @Test
  void truncated(@TempDir Path dir) throws IOException {
    Path bin = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, Mode.NORMAL);
    byte[] bytes = Files.readAllBytes(bin);
    Path cut = dir.resolve("cut");
    Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    assertBadInput(run("inspect", cut.toString()), "is truncated or corrupted");
  }

  @Test
  void missingFileAndDirectory(@TempDir Path dir) {
    assertBadInput(run("inspect", dir.resolve("nope").toString()), "no such file");
    assertBadInput(run("inspect", dir.toString()), dir.toString());
  }

  @Test
  void pidOfAProcessThatIsNotGo() throws Exception {
    Process p = new ProcessBuilder("/bin/cat").start(); // waits on its stdin
    try {
      Path exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "exe"));
      assertThat(exe.getFileName().toString()).isEqualTo("cat");
      assertBadInput(run("inspect", "--pid", Long.toString(p.pid())),
          "process " + p.pid() + " runs " + exe + ": /proc/" + p.pid()
              + "/exe is not a Go executable");
    } finally {
      p.getOutputStream().close();
      p.waitFor();
    }
  }

  @Test
  void badPid() {
    assertBadInput(run("inspect", "--pid", "999999999"), "no process with pid 999999999");
    assertBadInput(run("inspect", "--pid", "0"), "is not a process id");
  }

  @Test
  void badResolveAddress() {
    Path bin = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, Mode.NORMAL);
    assertBadInput(run("inspect", "--resolve", "xyz", bin.toString()), "not a hexadecimal");
    assertBadInput(run("inspect", "--resolve", "0x10", bin.toString()),
        "0x10 is not in any Go function");
  }

  @Test
  void usageErrors() {
    Result none = run("inspect");
    assertThat(none.code()).isEqualTo(2);
    Result both = run("inspect", "--pid", "1", "/bin/ls");
    assertThat(both.code()).isEqualTo(2);
  }
}
