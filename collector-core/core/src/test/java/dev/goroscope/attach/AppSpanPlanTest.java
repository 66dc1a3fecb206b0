package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.bpf.GoroscopeBpf;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.probe.ProbeCatalog;
import dev.goroscope.probe.ProbeGroup;
import dev.goroscope.probe.ProbePlan;
import dev.goroscope.probe.ResolvedProbe;
import dev.goroscope.process.TargetProcess;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How the plan treats the application-span group: attached, with the SDK's offsets from DWARF
 * or (stripped) from the SDK table — the same values; silently absent from a program without
 * the SDK (its constants still set); dropped with one note for an SDK version it does not
 * support.
 */
class AppSpanPlanTest {

  private static final List<String> PROGRAMS = List.of(GoroscopeBpf.PROG_OTEL_SPAN_START_RET,
      GoroscopeBpf.PROG_OTEL_SPAN_END_ENTRY, GoroscopeBpf.PROG_OTEL_NONRECORDING_SPAN_END_ENTRY);
  private static final List<String> CONSTANTS = List.of(GoroscopeBpf.OFF_RECORDING_SPAN_CONTEXT,
      GoroscopeBpf.OFF_RECORDING_SPAN_PARENT, GoroscopeBpf.OFF_NONRECORDING_SPAN_CONTEXT,
      GoroscopeBpf.OFF_SPAN_CONTEXT_TRACE_ID, GoroscopeBpf.OFF_SPAN_CONTEXT_SPAN_ID,
      GoroscopeBpf.OFF_SPAN_CONTEXT_TRACE_FLAGS, GoroscopeBpf.RECORDING_SPAN_IS_RECORDING_PC,
      GoroscopeBpf.NONRECORDING_SPAN_IS_RECORDING_PC);

  @Test
  void strippedAndNormalBuildsGetTheSameSdkConstants() throws Exception {
    Path src = GoToolchains.program("appspans");
    ProcessPlan normal = plan(GoToolchains.build(src, ".", Toolchain.GO_1_26, Mode.NORMAL));
    ProcessPlan stripped = plan(GoToolchains.build(src, ".", Toolchain.GO_1_26, Mode.STRIPPED));
    for (ProcessPlan p : List.of(normal, stripped)) {
      assertThat(p.sites()).extracting(ProbePlan.Site::program).containsAll(PROGRAMS);
      assertThat(p.notes()).contains("application spans: OpenTelemetry Go SDK v1.47.0"
          + " (goroutines started under a span join its trace)");
      assertThat(p.constants()).containsEntry(GoroscopeBpf.OFF_RECORDING_SPAN_CONTEXT, 192L)
          .containsEntry(GoroscopeBpf.OFF_NONRECORDING_SPAN_CONTEXT, 24L)
          .containsEntry(GoroscopeBpf.OFF_SPAN_CONTEXT_SPAN_ID, 16L);
      assertThat(p.constants().get(GoroscopeBpf.RECORDING_SPAN_IS_RECORDING_PC)).isNotZero();
      assertThat(p.constants().get(GoroscopeBpf.NONRECORDING_SPAN_IS_RECORDING_PC)).isNotZero();
    }
    assertThat(stripped.notes()).anyMatch(n -> n.contains("built-in table"));
    for (String c : CONSTANTS) {
      assertThat(stripped.constants().get(c)).as(c).isEqualTo(normal.constants().get(c));
    }
    // One trap per start (Start's RETs), one per end of each kind.
    assertThat(normal.sites().stream().filter(s -> !s.program().equals(
        GoroscopeBpf.PROG_OTEL_SPAN_START_RET) && PROGRAMS.contains(s.program()))).hasSize(2);
  }

  @Test
  void aProgramWithoutTheSdkHasNoSuchGroupAndNoNote() throws Exception {
    ProcessPlan p = plan(GoToolchains.build(Path.of("src/test/go/snapshotprog"),
        Toolchain.GO_1_26, Mode.NORMAL), "3");
    assertThat(p.sites()).extracting(ProbePlan.Site::program).doesNotContainAnyElementsOf(
        PROGRAMS);
    assertThat(p.notes()).noneMatch(n -> n.contains("app_spans") || n.contains("OpenTelemetry"));
    assertThat(p.constants()).containsKeys(CONSTANTS.toArray(String[]::new));
  }

  @Test
  void anUnsupportedSdkVersionDropsTheGroupWithOneNote() throws Exception {
    GoBinary binary = GoBinary.open(GoToolchains.build(GoToolchains.program("appspans"), ".",
        Toolchain.GO_1_26, Mode.STRIPPED));
    List<ResolvedProbe> probes;
    try (X86Disassembler disasm = X86Disassembler.open()) {
      probes = ProbeCatalog.forVersion(binary.version())
          .resolve(binary.elf(), binary.functionLocator(), disasm);
    }
    String why = "OpenTelemetry Go SDK v1.13.0 is older than goroscope supports (supported:"
        + " v1.14.0 to v1.47.x)";
    ProbePlan plan = ProbePlan.create(probes, GoTargetPlanner.offsets(binary),
        GoTargetPlanner.addresses(binary, 0), false, Map.of(ProbeGroup.APP_SPANS, why));
    assertThat(plan.refusal()).isNull();
    assertThat(plan.attached()).doesNotContain(ProbeGroup.APP_SPANS).contains(ProbeGroup.LIFECYCLE);
    assertThat(plan.notes()).contains("no app_spans probes: " + why);
    assertThat(plan.sites()).extracting(ProbePlan.Site::program)
        .doesNotContainAnyElementsOf(PROGRAMS);
    assertThat(plan.missing()).anyMatch(m -> m.kind().equals("library")
        && m.name().equals("go.opentelemetry.io/otel/sdk") && !m.required());
    assertThat(plan.constants()).containsKeys(CONSTANTS.toArray(String[]::new));
    assertThat(GoTargetPlanner.unavailableGroups(binary)).isEmpty();
  }

  private static ProcessPlan plan(Path binary, String... args) throws Exception {
    java.util.List<String> cmd = new java.util.ArrayList<>(List.of(binary.toString()));
    cmd.addAll(List.of(args));
    Process target = new ProcessBuilder(cmd).start();
    try {
      return new GoTargetPlanner().plan(TargetProcess.of((int) target.pid()), false);
    } finally {
      target.destroyForcibly();
      target.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
