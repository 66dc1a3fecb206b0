package dev.goroscope.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.disasm.Instruction;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.GoVersion;
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

  static final GoVersion GO_1_26 = GoVersion.parseOrUnknown("go1.26.8");

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
    ProbeCatalog plan = ProbeCatalog.forVersion(GoVersion.parseOrUnknown(GoToolchains.version(t)));
    List<ResolvedProbe> resolved = plan.resolve(elf, symbols, disasm);
    assertThat(resolved).hasSize(plan.specs().size());
    int checkedOffsets = 0;
    for (ResolvedProbe r : resolved) {
      if (r.spec().group().library() != null) {
        // offsetprobe links no library (the OpenTelemetry SDK): see applicationSpanSites
        assertThat(r.isMissing()).as("%s", r.spec().role()).isTrue();
        continue;
      }
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
    assertThat(checkedOffsets).isGreaterThan((int) plan.specs().stream()
        .filter(p -> p.group().library() == null).count());
    Map<ProbeRole, ProbeSite> byRole = new java.util.EnumMap<>(ProbeRole.class);
    resolved.forEach(r -> byRole.put(r.spec().role(), r.site()));
    assertThat(byRole.get(ProbeRole.GOROUTINE_CREATE).returnOffsets()).isNotEmpty();
    for (ProbeRole returns : List.of(ProbeRole.GOROUTINE_CREATE,
        ProbeRole.CONTEXT_DEADLINE_SET)) {
      assertThat(byRole.get(returns).note()).as("every exit is a RET").doesNotContain("tail");
    }
    assertThat(byRole.get(ProbeRole.CONTEXT_DEADLINE_SET).returnOffsets()).isNotEmpty();
    assertThat(symbols.find("context.WithDeadline")).as("WithDeadline inlined from 1.21")
        .matches(o -> o.isPresent() == (t == Toolchain.GO_1_19));
    assertThat(byRole.get(ProbeRole.CONTEXT_DEADLINE_SET).function()).isEqualTo(
        t == Toolchain.GO_1_19 ? "context.WithDeadline" : "context.WithDeadlineCause");
    for (ProbeRole withPrologue : List.of(ProbeRole.GOROUTINE_EXIT, ProbeRole.CONTEXT_CANCEL,
        ProbeRole.GOROUTINE_PARK, ProbeRole.GOROUTINE_READY)) {
      assertThat(byRole.get(withPrologue).afterPrologue()).as("%s", withPrologue).isTrue();
      assertThat(byRole.get(withPrologue).note()).contains("after the");
    }
    // casgstatus is NOSPLIT: no prologue, the entry itself is the probe site.
    ProbeSite casg = ProbeSites.locate(elf, symbols.find("runtime.casgstatus").orElseThrow(),
        disasm);
    assertThat(casg.afterPrologue()).isFalse();
    assertThat(casg.note()).contains("NOSPLIT");
    assertThat(byRole.get(ProbeRole.CHANNEL_SEND).function()).isEqualTo("runtime.chansend1");
    assertThat(byRole.get(ProbeRole.CHANNEL_RECEIVE_OK).function())
        .isEqualTo("runtime.chanrecv2");
  }

  /**
   * The OpenTelemetry SDK's probe sites in a program that links it, against objdump: Start
   * leaves only through RETs (no tail call), (*recordingSpan).End is probed after its prologue,
   * the (*nonRecordingSpan).End wrapper (a leaf) at its entry.
   */
  @Test
  void applicationSpanSites() throws Exception {
    Path src = GoToolchains.program("appspans");
    List<Path> builds = List.of(
        GoToolchains.build(src, ".", Toolchain.GO_1_26, Mode.NORMAL),
        GoToolchains.build(src, ".", Toolchain.GO_1_27, Mode.PIE),
        GoToolchains.build(src, ".", Toolchain.GO_1_19, Mode.NORMAL,
            List.of("-modfile=go.v1.16.mod")));
    for (Path bin : builds) {
      ElfFile elf = ElfFile.open(bin);
      FunctionLocator symbols = FunctionLocator.fromSymbols(elf);
      Map<ProbeRole, ProbeSite> byRole = new java.util.EnumMap<>(ProbeRole.class);
      for (ResolvedProbe r : ProbeCatalog.forVersion(GO_1_26).resolve(elf, symbols, disasm)) {
        if (r.spec().group() != ProbeGroup.APP_SPANS) {
          continue;
        }
        assertThat(r.isMissing()).as("%s in %s: %s", r.spec().role(), bin, r.missingReason())
            .isFalse();
        ProbeSite site = r.site();
        FunctionBounds fn = symbols.find(site.function()).orElseThrow();
        TreeMap<Long, String> oracle = ObjdumpOracle.instructions(bin, fn.address(), fn.end());
        long delta = fn.address() - site.fileOffset();
        assertThat(oracle).as(site.function()).containsKey(site.entryOffset() + delta);
        assertThat(site.returnOffsets()).hasSize(
            (int) oracle.values().stream().filter(m -> m.startsWith("ret")).count());
        for (long ret : site.returnOffsets()) {
          assertThat(oracle.get(ret + delta)).isIn("ret", "retq");
        }
        byRole.put(r.spec().role(), site);
      }
      assertThat(byRole.get(ProbeRole.APP_SPAN_START).returnOffsets()).isNotEmpty();
      assertThat(byRole.get(ProbeRole.APP_SPAN_START).note()).as("every exit is a RET")
          .doesNotContain("tail");
      assertThat(byRole.get(ProbeRole.APP_SPAN_END).afterPrologue()).isTrue();
      assertThat(byRole.get(ProbeRole.APP_SPAN_END_UNSAMPLED).afterPrologue()).isFalse();
    }
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
    String name = t == Toolchain.GO_1_19 ? "runtime.getproccount" : "runtime.getCPUCount";
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
    ProbeCatalog plan = ProbeCatalog.forVersion(GoVersion.parseOrUnknown(GoToolchains.version(t)));
    List<ResolvedProbe> a = plan.resolve(normal, symbols, disasm);
    List<ResolvedProbe> b = plan.resolve(stripped, symbols, disasm);
    assertThat(b).isEqualTo(a);
  }

  @Test
  void missingFunctionsAreReportedWithTheGoVersion() {
    ElfFile elf = ElfFile.open(GoToolchains.build("offsetprobe", Toolchain.GO_1_26, Mode.NORMAL));
    List<ResolvedProbe> resolved = ProbeCatalog.forVersion(GO_1_26)
        .resolve(elf, name -> java.util.Optional.empty(), disasm);
    assertThat(resolved).allMatch(ResolvedProbe::isMissing);
    assertThat(resolved.get(2).missingReason()).isEqualTo(
        "no symbol for context.WithDeadlineCause or context.WithDeadline in this go1.26 binary"
            + " (inlined or not linked)");
  }

  @Test
  void theSamePlanDecidesForInspectAndAttach() {
    ElfFile elf = ElfFile.open(GoToolchains.build("offsetprobe", Toolchain.GO_1_26, Mode.NORMAL));
    ProbeCatalog catalog = ProbeCatalog.forVersion(GO_1_26);
    List<ResolvedProbe> all = catalog.resolve(elf, FunctionLocator.fromSymbols(elf), disasm);
    StructOffsets full = OffsetResolver.resolve(elf, GO_1_26);
    java.util.function.Function<AddressUse, java.util.OptionalLong> none =
        use -> java.util.OptionalLong.of(0x1000);
    ProbePlan deep = ProbePlan.create(all, full, none, true);
    assertThat(deep.refusal()).isNull();
    // Every group but those of a library offsetprobe does not link (silently absent).
    assertThat(deep.attached()).containsExactlyInAnyOrder(java.util.Arrays.stream(
        ProbeGroup.values()).filter(g -> g.library() == null).toArray(ProbeGroup[]::new));
    assertThat(deep.notes()).noneMatch(n -> n.contains("app_spans"));
    assertThat(deep.missing()).extracting(ProbePlan.Missing::name)
        .containsExactly("context.WithDeadline"); // inlined: WithDeadlineCause is used
    assertThat(deep.missing().get(0).required()).isFalse();
    ProbePlan shallow = ProbePlan.create(all, full, none, false);
    assertThat(shallow.attached()).containsExactlyInAnyOrder(ProbeGroup.LIFECYCLE,
        ProbeGroup.CONTEXTS);
    assertThat(shallow.sites()).extracting(ProbePlan.Site::program)
        .doesNotContain("gopark_entry", "chansend_entry");

    // Runtime offsets only: the context group is dropped with a note, the rest attaches.
    StructOffsets runtimeOnly = StructOffsets.builder(OffsetSource.TABLE, 26)
        .put("runtime.g.goid", 152).put("runtime.g.gopc", 288).put("runtime.g.startpc", 304)
        .put("runtime.g.m", 48).put("runtime.m.curg", 184).build();
    ProbePlan partial = ProbePlan.create(all, runtimeOnly, none, false);
    assertThat(partial.refusal()).isNull();
    assertThat(partial.attached()).containsExactly(ProbeGroup.LIFECYCLE);
    assertThat(partial.notes()).anyMatch(n -> n.startsWith("no contexts probes: offset"
        + " context.timerCtx.deadline is in neither"));
    assertThat(partial.constants()).containsEntry("off_g_goid", 152L)
        .containsEntry("off_g_parent_goid", 0L) // optional: absent is 0
        .containsEntry("off_timerctx_deadline", 0L);
    assertThat(partial.missing()).filteredOn(ProbePlan.Missing::required).isEmpty();

    // Without runtime.g.goid nothing can attach: the lifecycle group refuses.
    StructOffsets noGoid = StructOffsets.builder(OffsetSource.TABLE, 26).build();
    ProbePlan refused = ProbePlan.create(all, noGoid, none, false);
    assertThat(refused.refusal()).isEqualTo("offset runtime.g.goid is in neither the binary's"
        + " DWARF nor the built-in table for go1.26");
    assertThat(refused.missing()).filteredOn(ProbePlan.Missing::required)
        .extracting(ProbePlan.Missing::name).contains("runtime.g.goid");

    // Without the addresses that recognise context errors, contexts are dropped.
    ProbePlan blind = ProbePlan.create(all, full, use -> java.util.OptionalLong.empty(), false);
    assertThat(blind.attached()).containsExactly(ProbeGroup.LIFECYCLE);
    assertThat(blind.notes()).anyMatch(n -> n.contains("needed to recognise the timerCtx type"));

    // Without context functions in the binary, no context layout is needed.
    FunctionLocator noContext = name -> name.startsWith("context.") ? java.util.Optional.empty()
        : FunctionLocator.fromSymbols(elf).find(name);
    ProbePlan runtime = ProbePlan.create(catalog.resolve(elf, noContext, disasm), runtimeOnly,
        none, false);
    assertThat(runtime.missing()).filteredOn(m -> m.group() == ProbeGroup.CONTEXTS)
        .filteredOn(m -> m.kind().equals("offset")).hasSize(5)
        .allMatch(m -> !m.required() && m.reason().endsWith("(its probe is not located in this"
            + " binary)"));
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
    StructOffsets armOffsets = OffsetResolver.resolve(arm, GO_1_26);
    assertThat(armOffsets.source()).isEqualTo(OffsetSource.DWARF);
    assertThat(armOffsets.asMap()).isEqualTo(OffsetResolver.resolve(
        ElfFile.open(GoToolchains.build("offsetprobe", Toolchain.GO_1_26, Mode.NORMAL)), GO_1_26)
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
  void catalogFollowsTheVersion() {
    ProbeCatalog p119 = ProbeCatalog.forVersion(GoVersion.ofMinor(19));
    ProbeCatalog p121 = ProbeCatalog.forVersion(GoVersion.ofMinor(21));
    assertThat(p119.spec(ProbeRole.GOROUTINE_CREATE).orElseThrow().note())
        .contains("no g.parentGoid before 1.21");
    assertThat(p121.spec(ProbeRole.GOROUTINE_CREATE).orElseThrow().offsets())
        .contains(OffsetUse.optional("runtime.g.parentGoid", "off_g_parent_goid"));
    assertThat(p119.spec(ProbeRole.CONTEXT_DEADLINE_SET).orElseThrow().candidates())
        .containsExactly("context.WithDeadline");
    assertThat(p121.spec(ProbeRole.CONTEXT_DEADLINE_SET).orElseThrow().candidates())
        .containsExactly("context.WithDeadlineCause", "context.WithDeadline");
    assertThat(ProbeCatalog.forVersion(GoVersion.ofMinor(20))
        .spec(ProbeRole.CONTEXT_DEADLINE_SET).orElseThrow().note())
        .contains("*cancelCtx pointer");
    assertThat(p121.functions()).contains("runtime.newproc1", "runtime.goexit1",
        "runtime.gopark", "runtime.ready", "context.(*cancelCtx).cancel", "runtime.chansend1",
        "runtime.chanrecv1", "runtime.chanrecv2");
    // Every probe names its program and the constant of every offset it reads.
    for (ProbeSpec spec : p121.specs()) {
      assertThat(spec.program()).as("%s", spec.role()).isNotBlank();
      assertThat(spec.offsets()).as("%s", spec.role())
          .allMatch(u -> u.constant().startsWith("off_"));
    }
    assertThat(ProbeCatalog.forVersion(GoVersion.unknown("gccgo")).specs())
        .hasSameSizeAs(p121.specs());
  }
}
