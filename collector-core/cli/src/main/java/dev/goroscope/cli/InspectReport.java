package dev.goroscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goroscope.attach.GoTargetPlanner;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoVersion;
import dev.goroscope.gobinary.offsets.OffsetSource;
import dev.goroscope.gobinary.otelsdk.OtelGoSdk;
import dev.goroscope.gobinary.otelsdk.SdkOffsetTable;
import dev.goroscope.gobinary.offsets.StructOffsets;
import dev.goroscope.probe.ProbeCatalog;
import dev.goroscope.probe.ProbePlan;
import dev.goroscope.probe.ProbeSite;
import dev.goroscope.probe.ResolvedProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What {@code goroscope inspect} prints about one binary, as text or JSON: build information,
 * symbols, the struct offsets, the probe sites of the version's {@link ProbeCatalog}, and
 * everything a probe needs that the binary lacks — decided by the same {@link ProbePlan} that
 * {@code attach} loads (with every group, deep ones included, so nothing is hidden).
 */
final class InspectReport {

  /**
   * Something a probe needs that the binary does not have.
   *
   * @param kind {@code offset}, {@code function}, {@code address} or {@code disassembler}
   * @param group the probe group that needs it ({@code lifecycle}, {@code contexts} …), or
   *     empty for the disassembler
   * @param required true when watching refuses without it; false when the group is dropped
   *     with a note, or the probe has a fallback (e.g. {@code context.WithDeadline}, inlined
   *     from Go 1.21)
   * @param fallback what is used instead, or empty
   */
  record Missing(String kind, String name, String goVersion, String group, boolean required,
      String reason, String fallback) {}

  private final GoBinary binary;
  private final StructOffsets offsets;
  private final List<ResolvedProbe> probes;
  private final List<Missing> missing;

  private InspectReport(GoBinary binary, StructOffsets offsets, List<ResolvedProbe> probes,
      List<Missing> missing) {
    this.binary = binary;
    this.offsets = offsets;
    this.probes = List.copyOf(probes);
    this.missing = List.copyOf(missing);
  }

  static InspectReport create(GoBinary binary) {
    GoVersion version = binary.version();
    String versionText = binary.goVersionString();
    StructOffsets offsets = GoTargetPlanner.offsets(binary);
    List<Missing> missing = new ArrayList<>();
    List<ResolvedProbe> probes = List.of();
    if (X86Disassembler.isAvailable()) {
      try (X86Disassembler disasm = X86Disassembler.open()) {
        probes = ProbeCatalog.forVersion(version)
            .resolve(binary.elf(), binary.functionLocator(), disasm);
      }
      ProbePlan plan = ProbePlan.create(probes, offsets,
          GoTargetPlanner.addresses(binary, 0), true, GoTargetPlanner.unavailableGroups(binary));
      for (ProbePlan.Missing m : plan.missing()) {
        missing.add(new Missing(m.kind(), m.name(), versionText,
            m.group().name().toLowerCase(Locale.ROOT), m.required(), m.reason(), m.fallback()));
      }
    } else {
      missing.add(new Missing("disassembler", "capstone", versionText, "", true,
          X86Disassembler.unavailabilityCause(), ""));
    }
    // Fields this Go version has that the offset source lacks, though no probe located here
    // reads them (e.g. context's, when the program does not link package context).
    String why = offsets.source() == OffsetSource.NONE ? offsets.origin()
        : "not in the " + offsets.source().label() + " offsets of " + versionText;
    for (String key : offsets.missing()) {
      if (missing.stream().noneMatch(m -> m.name().equals(key))) {
        missing.add(new Missing("offset", key, versionText, "", false,
            why + " (no probe located in this binary reads it)", ""));
      }
    }
    return new InspectReport(binary, offsets, probes, missing);
  }

  boolean supported() {
    return binary.version().isSupported();
  }

  ObjectNode toJson() {
    ObjectNode root = new ObjectMapper().createObjectNode();
    root.put("binary", binary.path().toString());
    root.put("goVersion", binary.goVersionString());
    root.put("supported", supported());
    root.put("modulePath", binary.buildInfo().modulePath());
    root.put("mainPackage", binary.buildInfo().path());
    root.put("arch", binary.arch());
    root.put("pie", binary.pie());
    root.put("stripped", binary.stripped());
    root.put("hasDwarf", binary.hasDwarf());
    root.put("functionSource", binary.functionSource());
    root.put("functionCount", binary.functions().size());
    root.put("offsetSource", offsets.source().label());
    root.put("offsetOrigin", offsets.origin());
    ObjectNode off = root.putObject("offsets");
    for (Map.Entry<String, Long> e : offsets.asMap().entrySet()) {
      off.put(e.getKey(), e.getValue());
    }
    ArrayNode pointers = root.putArray("pointerOffsets");
    offsets.pointerFields().forEach(pointers::add);
    OtelGoSdk.find(binary.buildInfo()).ifPresent(sdk -> {
      ObjectNode n = root.putObject("otelSdk");
      n.put("module", OtelGoSdk.MODULE);
      n.put("version", sdk.label());
      Optional<String> why = sdk.unsupportedReason(SdkOffsetTable.builtIn());
      n.put("supported", why.isEmpty());
      why.ifPresent(w -> n.put("reason", w));
      n.put("supportedRange", SdkOffsetTable.builtIn().range());
    });
    ArrayNode probeArray = root.putArray("probes");
    for (ResolvedProbe p : probes) {
      if (p.isMissing()) {
        continue;
      }
      ProbeSite s = p.site();
      ObjectNode n = probeArray.addObject();
      n.put("function", s.function());
      n.put("role", p.spec().role().name().toLowerCase(Locale.ROOT));
      n.put("group", p.spec().group().name().toLowerCase(Locale.ROOT));
      n.put("set", p.spec().group().deep() ? "deep" : "default");
      n.put("attach", p.spec().point().name().toLowerCase(Locale.ROOT));
      n.put("program", p.spec().program());
      n.put("address", s.address());
      n.put("fileOffset", s.fileOffset());
      n.put("entryOffset", s.entryOffset());
      n.put("entryNote", s.note());
      ArrayNode rets = n.putArray("returnOffsets");
      s.returnOffsets().forEach(rets::add);
    }
    ArrayNode miss = root.putArray("missing");
    for (Missing m : missing) {
      ObjectNode n = miss.addObject();
      n.put("kind", m.kind());
      n.put("name", m.name());
      n.put("goVersion", m.goVersion());
      if (!m.group().isEmpty()) {
        n.put("group", m.group());
      }
      n.put("required", m.required());
      n.put("reason", m.reason());
      if (!m.fallback().isEmpty()) {
        n.put("fallback", m.fallback());
      }
    }
    return root;
  }

  String toText() {
    StringBuilder b = new StringBuilder();
    line(b, "binary", binary.path().toString());
    line(b, "go version", binary.goVersionString() + (supported() ? "" : " (UNSUPPORTED: goroscope"
        + " attaches to " + GoVersion.MIN_SUPPORTED.release() + " to "
        + GoVersion.MAX_SUPPORTED.release() + ")"));
    line(b, "module", binary.buildInfo().modulePath().isEmpty()
        ? "(none)" : binary.buildInfo().modulePath());
    line(b, "arch", binary.arch() + (binary.pie() ? " (PIE)" : ""));
    OtelGoSdk.find(binary.buildInfo()).ifPresent(sdk -> line(b, "otel sdk", sdk.label()
        + sdk.unsupportedReason(SdkOffsetTable.builtIn()).map(w -> " (UNSUPPORTED: " + w + ")")
            .orElse(" (application spans: goroutines join the application's traces)")));
    line(b, "stripped", binary.stripped() ? "yes (no .symtab)" : "no");
    line(b, "dwarf", binary.hasDwarf() ? "yes" : "no");
    line(b, "functions", binary.functions().size() + " (from " + binary.functionSource() + ")");
    line(b, "offsets", offsets.source().label()
        + (offsets.origin().isEmpty() ? "" : " (" + offsets.origin() + ")"));
    for (Map.Entry<String, Long> e : offsets.asMap().entrySet()) {
      b.append(String.format(Locale.ROOT, "  %-30s %4d%s%n", e.getKey(), e.getValue(),
          offsets.isPointer(e.getKey()) ? "  (pointer)" : ""));
    }
    b.append("probes:\n");
    for (ResolvedProbe p : probes) {
      if (p.isMissing()) {
        continue;
      }
      ProbeSite s = p.site();
      b.append(String.format(Locale.ROOT, "  %-34s %-8s 0x%x  file 0x%x  entry 0x%x  ret [%s]%n",
          s.function(), p.spec().point().name().toLowerCase(Locale.ROOT), s.address(),
          s.fileOffset(), s.entryOffset(), s.returnOffsets().stream()
              .map(o -> "0x" + Long.toHexString(o)).collect(Collectors.joining(" "))));
    }
    if (!missing.isEmpty()) {
      b.append("missing:\n");
      for (Missing m : missing) {
        b.append(String.format(Locale.ROOT, "  %-8s %-30s %s%s%n", m.kind(), m.name(),
            m.reason(), m.fallback().isEmpty() ? "" : "; using " + m.fallback()));
      }
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String key, String value) {
    b.append(String.format(Locale.ROOT, "%-12s %s%n", key + ":", value));
  }
}
