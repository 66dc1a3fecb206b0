package dev.goroscope.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoVersion;
import dev.goroscope.gobinary.offsets.OffsetResolver;
import dev.goroscope.gobinary.offsets.StructOffsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What {@code goroscope inspect} prints about one binary, as text or JSON. */
final class InspectReport {

  /** Something a probe needs that the binary does not have. */
  record Missing(String kind, String name, String goVersion, String reason) {}

  private final GoBinary binary;
  private final StructOffsets offsets;
  private final List<Missing> missing;

  private InspectReport(GoBinary binary, StructOffsets offsets, List<Missing> missing) {
    this.binary = binary;
    this.offsets = offsets;
    this.missing = List.copyOf(missing);
  }

  static InspectReport create(GoBinary binary) {
    String version = binary.goVersionString();
    StructOffsets offsets = OffsetResolver.resolve(binary.elf(), version);
    List<Missing> missing = new ArrayList<>();
    for (String key : offsets.missing()) {
      missing.add(new Missing("offset", key, version, offsets.source().label().equals("none")
          ? offsets.origin()
          : "not in the " + offsets.source().label() + " offsets of " + version));
    }
    return new InspectReport(binary, offsets, missing);
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
    ArrayNode miss = root.putArray("missing");
    for (Missing m : missing) {
      ObjectNode n = miss.addObject();
      n.put("kind", m.kind());
      n.put("name", m.name());
      n.put("goVersion", m.goVersion());
      n.put("reason", m.reason());
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
      b.append(String.format(Locale.ROOT, "  %-30s %d%n", e.getKey(), e.getValue()));
    }
    if (!missing.isEmpty()) {
      b.append("missing:\n");
      for (Missing m : missing) {
        b.append(String.format(Locale.ROOT, "  %-8s %-30s %s%n", m.kind(), m.name(),
            m.reason()));
      }
    }
    return b.toString();
  }

  private static void line(StringBuilder b, String key, String value) {
    b.append(String.format(Locale.ROOT, "%-12s %s%n", key + ":", value));
  }
}
