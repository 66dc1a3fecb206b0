package dev.goroscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoVersion;
import dev.goroscope.gobinary.offsets.OffsetResolver;
import dev.goroscope.gobinary.offsets.OffsetSource;
import dev.goroscope.gobinary.offsets.StructOffsets;
import dev.goroscope.probe.ProbePlan;
import dev.goroscope.probe.ProbeSet;
import dev.goroscope.probe.ProbeSite;
import dev.goroscope.probe.ResolvedProbe;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@code goroscope inspect} prints about one binary, as text or JSON: build information,
 * symbols, the struct offsets and the probe sites of the version's probe plan, and everything a
 * probe needs that the binary lacks.
 */
final class InspectReport {

  /**
   * Something a probe needs that the binary does not have.
   *
   * @param kind {@code offset}, {@code function} or {@code disassembler}
   * @param required true when a probe of the plan cannot attach without it; false for a
   *     function with a fallback (e.g. {@code context.WithDeadline}, inlined from Go 1.21)
   * @param fallback what is used instead, or empty
   */
  record Missing(String kind, String name, String goVersion, boolean required, String reason,
      String fallback) {}

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
    String version = binary.goVersionString();
    StructOffsets offsets = OffsetResolver.resolve(binary.elf(), version);
    List<Missing> missing = new ArrayList<>();
    ProbePlan plan = ProbePlan.forGoVersion(version);
    List<ResolvedProbe> probes = List.of();
    if (X86Disassembler.isAvailable()) {
      try (X86Disassembler disasm = X86Disassembler.open()) {
        probes = plan.resolve(binary.elf(), binary.functionLocator(), disasm);
      }
    } else {
      missing.add(new Missing("disassembler", "capstone", version, true,
          X86Disassembler.unavailabilityCause(), ""));
    }
    // Offsets a located probe reads are required: attach cannot use that probe without them.
    // Others the version lists but no probe here reads (e.g. context's, when the program does
    // not link package context) are reported as not required.
    List<String> needed = ProbePlan.missingOffsets(probes, offsets, EnumSet.allOf(ProbeSet.class));
    Set<String> absent = new LinkedHashSet<>(needed);
    absent.addAll(offsets.missing());
    String why = offsets.source() == OffsetSource.NONE ? offsets.origin()
        : "not in the " + offsets.source().label() + " offsets of " + version;
    for (String key : absent) {
      boolean required = needed.contains(key);
      missing.add(new Missing("offset", key, version, required,
          required ? why : why + " (no probe located in this binary reads it)", ""));
    }
    for (ResolvedProbe p : probes) {
      List<String> candidates = p.spec().candidates();
      if (p.isMissing()) {
        missing.add(new Missing("function", String.join(" | ", candidates), version, true,
            p.missingReason(), ""));
        continue;
      }
      // Other candidates without a symbol (inlined in this version, e.g. context.WithDeadline
      // from 1.21, or not linked): not needed, since the probe uses the one found.
      for (String name : candidates) {
        if (!name.equals(p.site().function()) && binary.function(name).isEmpty()) {
          missing.add(new Missing("function", name, version, false, "no symbol in this "
              + version + " binary (inlined or not linked)", p.site().function()));
        }
      }
    }
    return new InspectReport(binary, offsets, probes, missing);
  }

  boolean supported() {
    return binary.goVersion().map(GoVersion::isSupported).orElse(false);
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
    ArrayNode probeArray = root.putArray("probes");
    for (ResolvedProbe p : probes) {
      if (p.isMissing()) {
        continue;
      }
      ProbeSite s = p.site();
      ObjectNode n = probeArray.addObject();
      n.put("function", s.function());
      n.put("role", p.spec().role().name().toLowerCase(Locale.ROOT));
      n.put("set", p.spec().set().name().toLowerCase(Locale.ROOT));
      n.put("attach", p.spec().point().name().toLowerCase(Locale.ROOT));
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
