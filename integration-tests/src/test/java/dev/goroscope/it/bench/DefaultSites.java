package dev.goroscope.it.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The uprobe sites {@code goroscope attach} uses by default on one executable, as
 * {@code goroscope inspect --json} reports them: for each probe of the {@code default} set, its
 * {@code entryOffset} when it is attached at the entry, every one of its {@code returnOffsets}
 * when at the returns. ({@code address} probes are method addresses the BPF code compares
 * with, not sites.) The same rule as the attach planner's; the benchmark checks the count
 * against the "N uprobes" goroscope prints when it attaches.
 *
 * @param binary the executable
 * @param sites file offsets, each an instruction boundary found by goroscope's disassembler
 * @param functions the probed functions, for the report
 */
record DefaultSites(Path binary, List<Site> sites, List<String> functions) {

  /** One site: a file offset in {@code function}. */
  record Site(String function, long fileOffset) {}

  DefaultSites {
    sites = List.copyOf(sites);
    functions = List.copyOf(functions);
  }

  static DefaultSites inspect(Launcher goroscope, Path binary) {
    String json = goroscope.run("inspect", "--json", binary.toString());
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("goroscope inspect --json " + binary + " printed no JSON: "
          + e.getMessage(), e);
    }
    List<Site> sites = new ArrayList<>();
    List<String> functions = new ArrayList<>();
    for (JsonNode probe : root.path("probes")) {
      if (!probe.path("set").asText().equals("default")) {
        continue;
      }
      String function = probe.path("function").asText();
      switch (probe.path("attach").asText()) {
        case "entry" -> {
          sites.add(new Site(function, probe.path("entryOffset").asLong()));
          functions.add(function + " (entry)");
        }
        case "returns" -> {
          JsonNode rets = probe.path("returnOffsets");
          for (JsonNode ret : rets) {
            sites.add(new Site(function, ret.asLong()));
          }
          functions.add(function + " (" + rets.size() + " RET" + (rets.size() == 1 ? "" : "s")
              + ")");
        }
        default -> { } // "address": compared against by the BPF code, not probed
      }
    }
    if (sites.isEmpty()) {
      throw new IllegalStateException("goroscope inspect --json " + binary
          + " lists no default probe sites:\n" + json);
    }
    return new DefaultSites(binary, sites, functions);
  }
}
