package dev.goroscope.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.disasm.Instruction;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.offsets.OffsetResolver;
import dev.goroscope.gobinary.offsets.OffsetSource;
import dev.goroscope.gobinary.offsets.StructOffsets;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Probe sites of real binaries of every toolchain here, checked against objdump. */
class ProbeSitesTest {

  private static X86Disassembler disasm;

  @BeforeAll
  static void open() {
    disasm = X86Disassembler.open();
  }

  @AfterAll
  static void close() {
    disasm.close();
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void everyOffsetIsAnInstructionBoundaryAndEveryRetIsARet(Toolchain t) throws Exception {
    checkAllSitesAgainstObjdump(t, GoToolchains.build("offsetprobe", t, Mode.NORMAL));
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void pieBinariesToo(Toolchain t) throws Exception {
    Path bin = GoToolchains.build("offsetprobe", t, Mode.PIE);
    assertThat(ElfFile.open(bin).type()).isEqualTo(3); // ET_DYN
    checkAllSitesAgainstObjdump(t, bin);
  }

  private static void checkAllSitesAgainstObjdump(Toolchain t, Path bin) throws Exception {
    ElfFile elf = ElfFile.open(bin);
    FunctionLocator symbols = FunctionLocator.fromSymbols(elf);
    ProbePlan plan = ProbePlan.forGoVersion(GoToolchains.version(t));
    List<ResolvedProbe> resolved = plan.resolve(elf, symbols, disasm);
    assertThat(resolved).hasSize(plan.specs().size());
    int checkedOffsets = 0;
    for (ResolvedProbe r : resolved) {
      assertThat(r.isMissing()).as("%s on go%s: %s", r.spec().role(), t.minor(), r.missingReason())
          .isFalse();
      ProbeSite site = r.site();
      FunctionBounds fn = symbols.find(site.function()).orElseThrow();
      assertThat(site.address()).isEqualTo(fn.address());
      assertThat(site.fileOffset()).isEqualTo(elf.fileOffset(fn.address()));
      TreeMap<Long, String> oracle = ObjdumpOracle.instructions(bin, fn.address(), fn.end());
      long delta = fn.address() - site.fileOffset();
      assertThat(oracle).as(site.function()).containsKey(site.entryOffset() + delta);
      long oracleRets = oracle.values().stream().filter(m -> m.startsWith("ret")).count();
      assertThat(site.returnOffsets()).as("RETs of %s on go%s", site.function(), t.minor())
          .hasSize((int) oracleRets);
      for (long ret : site.returnOffsets()) {
        assertThat(oracle.get(ret + delta)).as("instruction at RET offset 0x%x of %s", ret,
            site.function()).isIn("ret", "retq");
      }
      checkedOffsets += 1 + site.returnOffsets().size();
    }
    assertThat(checkedOffsets).isGreaterThan(plan.specs().size());
    Map<ProbeRole, ProbeSite> byRole = new java.util.EnumMap<>(ProbeRole.class);
    resolved.forEach(r -> byRole.put(r.spec().role(), r.site()));
    assertThat(byRole.get(ProbeRole.GOROUTINE_CREATE).returnOffsets()).isNotEmpty();
    for (ProbeRole returns : List.of(ProbeRole.GOROUTINE_CREATE,
        ProbeRole.CONTEXT_DEADLINE_SET)) {
      assertThat(byRole.get(returns).note()).as("every exit is a RET").doesNotContain("tail");
    }
    assertThat(byRole.get(ProbeRole.CONTEXT_DEADLINE_SET).returnOffsets()).isNotEmpty();
    assertThat(symbols.find("context.WithDeadline")).as("WithDeadline inlined from 1.21")
        .matches(o -> o.isPresent() == !t.atLeast(21));
    assertThat(byRole.get(ProbeRole.CONTEXT_DEADLINE_SET).function()).isEqualTo(
        t.atLeast(21) ? "context.WithDeadlineCause" : "context.WithDeadline");
    for (ProbeRole withPrologue : List.of(ProbeRole.GOROUTINE_EXIT, ProbeRole.CONTEXT_CANCEL,
        ProbeRole.GOROUTINE_PARK, ProbeRole.GOROUTINE_READY)) {
      assertThat(byRole.get(withPrologue).afterPrologue()).as("%s", withPrologue).isTrue();
      assertThat(byRole.get(withPrologue).note()).contains("after the");
    }
    ProbeSite casg = byRole.get(ProbeRole.GOROUTINE_STATUS);
    assertThat(casg.afterPrologue()).isFalse();
    assertThat(casg.note()).contains("NOSPLIT");
    assertThat(byRole.get(ProbeRole.DEADLINE_EXCEEDED_ERROR).function())
        .isEqualTo("context.(*deadlineExceededError).Error");
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void entryAfterPrologueIsTheInstructionAfterJbe(Toolchain t) throws Exception {
    Path bin = GoToolchains.build("offsetprobe", t, Mode.NORMAL);
    ElfFile elf = ElfFile.open(bin);
    FunctionLocator symbols = FunctionLocator.fromSymbols(elf);
    for (String name : List.of("runtime.newproc1", "runtime.gopark",
        "context.(*cancelCtx).cancel")) {
      FunctionBounds fn = symbols.find(name).orElseThrow();
      ProbeSite site = ProbeSites.locate(elf, fn, disasm);
      TreeMap<Long, String> oracle = ObjdumpOracle.instructions(bin, fn.address(), fn.end());
      long entryVaddr = site.entryOffset() - site.fileOffset() + fn.address();
      assertThat(oracle.lowerEntry(entryVaddr).getValue()).as(name).isEqualTo("jbe");
      assertThat(oracle.headMap(entryVaddr).values()).as(name).contains("cmp");
    }
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void hugeFramePrologueIsRecognised(Toolchain t) throws Exception {
    // A frame above 4 KiB: mov r12, rsp; sub r12, N; jb M; cmp r12, [r14+0x10]; jbe M.
    String name = t.atLeast(25) ? "runtime.getCPUCount" : "runtime.getproccount";
    Path bin = GoToolchains.build("offsetprobe", t, Mode.NORMAL);
    ElfFile elf = ElfFile.open(bin);
    FunctionBounds fn = FunctionLocator.fromSymbols(elf).find(name).orElseThrow();
    ProbeSite site = ProbeSites.locate(elf, fn, disasm);
    TreeMap<Long, String> oracle = ObjdumpOracle.instructions(bin, fn.address(), fn.end());
    long entryVaddr = site.entryOffset() - site.fileOffset() + fn.address();
    assertThat(oracle.headMap(entryVaddr).values()).containsExactly("mov", "sub", "jb", "cmp",
        "jbe");
    assertThat(site.note()).contains("5-instruction stack-check prologue");
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void strippedTwinHasTheSameSitesGivenTheSameBounds(Toolchain t) throws Exception {
    ElfFile normal = ElfFile.open(GoToolchains.build("offsetprobe", t, Mode.NORMAL));
    ElfFile stripped = ElfFile.open(GoToolchains.build("offsetprobe", t, Mode.STRIPPED));
    assertThat(stripped.symbols()).isEmpty();
    FunctionLocator symbols = FunctionLocator.fromSymbols(normal);
    ProbePlan plan = ProbePlan.forGoVersion(GoToolchains.version(t));
    List<ResolvedProbe> a = plan.resolve(normal, symbols, disasm);
    List<ResolvedProbe> b = plan.resolve(stripped, symbols, disasm);
    assertThat(b).isEqualTo(a);
  }

  @Test
  void missingFunctionsAreReportedWithTheGoVersion() {
    ElfFile elf = ElfFile.open(GoToolchains.build("offsetprobe", Toolchain.GO_1_26, Mode.NORMAL));
    List<ResolvedProbe> resolved = ProbePlan.forGoVersion("go1.26.8")
        .resolve(elf, name -> java.util.Optional.empty(), disasm);
    assertThat(resolved).allMatch(ResolvedProbe::isMissing);
    assertThat(resolved.get(2).missingReason()).isEqualTo(
        "no symbol for context.WithDeadlineCause or context.WithDeadline in this go1.26 binary"
            + " (inlined or not linked)");
  }

  @Test
  void missingOffsetsCountOnlyLocatedProbes() {
    ElfFile elf = ElfFile.open(GoToolchains.build("offsetprobe", Toolchain.GO_1_26, Mode.NORMAL));
    ProbePlan plan = ProbePlan.forGoVersion("go1.26.8");
    List<ResolvedProbe> all = plan.resolve(elf, FunctionLocator.fromSymbols(elf), disasm);
    StructOffsets full = OffsetResolver.resolve(elf, "go1.26.8");
    assertThat(ProbePlan.missingOffsets(all, full, EnumSet.allOf(ProbeSet.class))).isEmpty();
    StructOffsets runtimeOnly = StructOffsets.builder(OffsetSource.TABLE, 26)
        .put("runtime.g.goid", 152).put("runtime.g.gopc", 288).put("runtime.g.startpc", 304)
        .put("runtime.g.m", 48).put("runtime.m.curg", 184).build();
    assertThat(ProbePlan.missingOffsets(all, runtimeOnly, EnumSet.of(ProbeSet.DEFAULT)))
        .containsExactly("runtime.g.parentGoid", "context.timerCtx.deadline",
            "context.timerCtx.cancelCtx", "context.cancelCtx.Context", "time.Time.wall",
            "time.Time.ext", "time.Time.loc", "context.cancelCtx.err");
    // Without context functions in the binary, no context layout is needed.
    FunctionLocator noContext = name -> name.startsWith("context.") ? java.util.Optional.empty()
        : FunctionLocator.fromSymbols(elf).find(name);
    List<ResolvedProbe> runtime = plan.resolve(elf, noContext, disasm);
    assertThat(ProbePlan.missingOffsets(runtime, runtimeOnly, EnumSet.of(ProbeSet.DEFAULT)))
        .containsExactly("runtime.g.parentGoid");
  }

  @Test
  void arm64IsRecognisedAndRefused() {
    ElfFile arm = ElfFile.open(GoToolchains.build("offsetprobe", Toolchain.GO_1_26, Mode.ARM64));
    assertThat(arm.goArch()).isEqualTo("arm64");
    FunctionBounds fn = FunctionLocator.fromSymbols(arm).find("runtime.newproc1").orElseThrow();
    assertThatThrownBy(() -> ProbeSites.locate(arm, fn, disasm))
        .isInstanceOf(BinaryFormatException.class)
        .hasMessageEndingWith("is a linux/arm64 binary: probe sites are not yet supported"
            + " there (only amd64)");
    // Struct layouts are the same on arm64 (go-runtime.md) and its DWARF reads the same.
    StructOffsets armOffsets = OffsetResolver.resolve(arm, "go1.26.8");
    assertThat(armOffsets.source()).isEqualTo(OffsetSource.DWARF);
    assertThat(armOffsets.asMap()).isEqualTo(OffsetResolver.resolve(
        ElfFile.open(GoToolchains.build("offsetprobe", Toolchain.GO_1_26, Mode.NORMAL)), "go1.26.8")
        .asMap());
  }

  @Test
  void undecodableCodeIsAFormatError() throws Exception {
    Path bin = GoToolchains.build("offsetprobe", Toolchain.GO_1_26, Mode.NORMAL);
    ElfFile elf = ElfFile.open(bin);
    FunctionBounds fn = FunctionLocator.fromSymbols(elf).find("runtime.newproc1").orElseThrow();
    byte[] image = Files.readAllBytes(bin);
    int at = (int) elf.fileOffset(fn.address()) + 40;
    for (int i = 0; i < 16; i++) {
      image[at + i] = 0x06; // invalid in 64-bit mode
    }
    ElfFile broken = ElfFile.parse(bin, ByteBuffer.wrap(image));
    assertThatThrownBy(() -> ProbeSites.locate(broken, fn, disasm))
        .isInstanceOf(BinaryFormatException.class)
        .hasMessageContaining("runtime.newproc1: no valid instruction");
  }

  @Test
  void aCmpJbeWithoutMorestackTrampolineIsNotAPrologue() {
    FunctionBounds fn = new FunctionBounds("f", 0x1000, 0x20);
    List<Instruction> insns = List.of(
        new Instruction(0x1000, 4, "cmp", "rsp, qword ptr [r14 + 0x10]"),
        new Instruction(0x1004, 2, "jbe", "0x1010"),
        new Instruction(0x1006, 1, "push", "rbp"),
        new Instruction(0x1007, 1, "ret", ""),
        new Instruction(0x1010, 5, "call", "0x2000"),
        new Instruction(0x1015, 5, "jmp", "0x1006"));
    assertThat(ProbeSites.prologueLength(insns, fn)).isZero();
    List<Instruction> real = new java.util.ArrayList<>(insns);
    real.set(5, new Instruction(0x1015, 5, "jmp", "0x1000"));
    assertThat(ProbeSites.prologueLength(real, fn)).isEqualTo(2);
  }

  @Test
  void tailJumpsOutOfTheFunctionAreNoted() throws Exception {
    // mov eax, 1; jmp rel32 far outside; padded with int3 to 16 bytes.
    byte[] code = {(byte) 0xb8, 1, 0, 0, 0, (byte) 0xe9, 0, 0x10, 0, 0,
        (byte) 0xcc, (byte) 0xcc, (byte) 0xcc, (byte) 0xcc, (byte) 0xcc, (byte) 0xcc};
    Path bin = GoToolchains.build("offsetprobe", Toolchain.GO_1_26, Mode.NORMAL);
    ElfFile elf = ElfFile.open(bin);
    FunctionBounds fn = FunctionLocator.fromSymbols(elf).find("runtime.newproc1").orElseThrow();
    byte[] image = Files.readAllBytes(bin);
    System.arraycopy(code, 0, image, (int) elf.fileOffset(fn.address()), code.length);
    ElfFile patched = ElfFile.parse(bin, ByteBuffer.wrap(image));
    ProbeSite site = ProbeSites.locate(patched, new FunctionBounds("f", fn.address(), 16), disasm);
    assertThat(site.returnOffsets()).isEmpty();
    assertThat(site.afterPrologue()).isFalse();
    assertThat(site.note()).endsWith("1 direct jump(s) leave the function (tail calls): RET probes"
        + " miss those exits");
  }

  @Test
  void planNotesFollowTheVersion() {
    ProbePlan p119 = ProbePlan.forGoMinor(19);
    ProbePlan p121 = ProbePlan.forGoMinor(21);
    assertThat(p119.spec(ProbeRole.GOROUTINE_CREATE).orElseThrow().offsetKeys())
        .doesNotContain("runtime.g.parentGoid");
    assertThat(p121.spec(ProbeRole.GOROUTINE_CREATE).orElseThrow().offsetKeys())
        .contains("runtime.g.parentGoid");
    assertThat(p119.spec(ProbeRole.CONTEXT_DEADLINE_SET).orElseThrow().candidates())
        .containsExactly("context.WithDeadline");
    assertThat(p121.spec(ProbeRole.CONTEXT_DEADLINE_SET).orElseThrow().candidates())
        .containsExactly("context.WithDeadlineCause", "context.WithDeadline");
    assertThat(ProbePlan.forGoMinor(20).spec(ProbeRole.CONTEXT_DEADLINE_SET).orElseThrow()
        .note()).contains("*cancelCtx pointer");
    assertThat(p121.functions()).contains("runtime.newproc1", "runtime.goexit1",
        "runtime.gopark", "runtime.ready", "runtime.casgstatus", "context.(*cancelCtx).cancel");
    assertThat(p121.offsetKeys(java.util.Set.of(ProbeSet.DEFAULT)))
        .contains("runtime.g.goid", "context.timerCtx.deadline")
        .doesNotContain("runtime.g.atomicstatus");
  }
}
