package dev.goroscope.it.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a JSON-lines run (README "JSON lines output") says, derived here on its own — not with
 * the report's code — so that what the browser shows can be checked against it. One process.
 */
public final class RunLines {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A creation site as the flame graph's frames name them. */
  public record Site(String startFunction, String function, String file, long line) {}

  /** The last word on one goroutine. */
  public record Goroutine(long goid, long parentGoid, Site site, long startNs, Long endNs,
      boolean overrun, boolean leak, String waitReason, JsonNode line) {
    public boolean finished() {
      return endNs != null;
    }
  }

  private final Map<Long, Goroutine> goroutines = new LinkedHashMap<>();
  private long processEndNs = -1;
  private long maxNs = Long.MIN_VALUE;
  private long minNs = Long.MAX_VALUE;

  private RunLines() {}

  public static RunLines read(Path jsonl) {
    RunLines run = new RunLines();
    try {
      for (String line : Files.readAllLines(jsonl)) {
        if (!line.isBlank()) {
          run.take(JSON.readTree(line));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return run;
  }

  private void take(JsonNode n) {
    switch (n.path("type").asText()) {
      case "goroutine" -> {
        long goid = n.get("goid").asLong();
        boolean partial = n.get("partial").asBoolean();
        Goroutine before = goroutines.get(goid);
        if (before != null && before.finished() && partial) {
          return;
        }
        JsonNode at = n.get("createdAt");
        Site site = new Site(n.get("startFunction").asText(), at.get("function").asText(),
            at.get("file").asText(), at.get("line").asLong());
        Long end = partial ? null : n.get("endNs").asLong();
        goroutines.put(goid, new Goroutine(goid, n.get("parentGoid").asLong(), site,
            n.get("startNs").asLong(), end, n.get("deadlineOverrun").asBoolean(),
            n.get("leakCandidate").asBoolean(),
            n.get("waitReason").isNull() ? "" : n.get("waitReason").asText(), n));
        see(n.get("startNs").asLong());
        if (end != null) {
          see(end);
        }
        for (JsonNode p : n.path("parks")) {
          if (p.path("endNs").isIntegralNumber()) {
            see(p.get("endNs").asLong());
          }
        }
      }
      case "process_end" -> {
        processEndNs = n.get("endNs").asLong();
        see(processEndNs);
      }
      case "context" -> see(n.get("createdNs").asLong());
      default -> { }
    }
  }

  private void see(long ns) {
    maxNs = Math.max(maxNs, ns);
    minNs = Math.min(minNs, ns);
  }

  public Map<Long, Goroutine> goroutines() {
    return goroutines;
  }

  public List<Goroutine> startedIn(String startFunction) {
    return goroutines.values().stream()
        .filter(g -> g.site().startFunction().equals(startFunction)).toList();
  }

  /** The parent, when its line is in the run. */
  public Goroutine parent(Goroutine g) {
    return g.parentGoid() > 0 && g.parentGoid() != g.goid() ? goroutines.get(g.parentGoid())
        : null;
  }

  /** Where a still-running goroutine's lane ends: the process's end, else the run's last time. */
  public long endNs(Goroutine g) {
    return g.finished() ? g.endNs() : processEndNs >= 0 ? processEndNs : maxNs;
  }

  /** The creation chain of g: its ancestors' sites from the topmost known one, then its own. */
  public List<Site> chain(Goroutine g) {
    List<Site> chain = new ArrayList<>();
    for (Goroutine at = g; at != null && chain.size() < 4096; at = parent(at)) {
      chain.add(0, at.site());
    }
    return chain;
  }

  /** For every prefix of every creation chain: how many goroutines' chains pass through it. */
  public Map<List<Site>, Long> chainCounts() {
    Map<List<Site>, Long> counts = new HashMap<>();
    for (Goroutine g : goroutines.values()) {
      List<Site> chain = chain(g);
      for (int i = 1; i <= chain.size(); i++) {
        counts.merge(List.copyOf(chain.subList(0, i)), 1L, Long::sum);
      }
    }
    return counts;
  }

  /** The same, weighted by each goroutine's lifetime in seconds. */
  public Map<List<Site>, Double> chainSeconds() {
    Map<List<Site>, Double> secs = new HashMap<>();
    for (Goroutine g : goroutines.values()) {
      double life = Math.max(0, endNs(g) - g.startNs()) / 1e9;
      List<Site> chain = chain(g);
      for (int i = 1; i <= chain.size(); i++) {
        secs.merge(List.copyOf(chain.subList(0, i)), life, Double::sum);
      }
    }
    return secs;
  }

  /** Goroutines started by g directly or below it. */
  public long descendants(Goroutine g) {
    long n = 0;
    for (Goroutine x : goroutines.values()) {
      for (Goroutine a = parent(x); a != null; a = parent(a)) {
        if (a.goid() == g.goid()) {
          n++;
          break;
        }
      }
    }
    return n;
  }

  public long children(Goroutine g) {
    return goroutines.values().stream().filter(x -> x.parentGoid() == g.goid()).count();
  }
}
