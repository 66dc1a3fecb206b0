package dev.goroscope.correlate;

import dev.goroscope.event.MarkSymbols;
import dev.goroscope.record.CodeLocation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-process memo in front of a {@link Symbolizer}: each distinct PC is symbolised once. The
 * number of distinct PCs is bounded by the binary's code, but a corrupt stream could invent
 * PCs, so past {@code maxEntries} answers are computed without being remembered.
 */
final class SymbolCache implements MarkSymbols {

  private final Symbolizer symbolizer;
  private final int maxEntries;
  private final LongObjectMap<CodeLocation> sites = new LongObjectMap<>();
  private final LongObjectMap<String> functions = new LongObjectMap<>();
  private final String[] waitReasons = new String[256];
  private final LongObjectMap<List<CodeLocation>> frames = new LongObjectMap<>();
  /** Interned call sites: id i + 1 is {@code siteList.get(i)}; 0 is unknown. */
  private final Map<CodeLocation, Integer> siteIds = new HashMap<>();
  private final List<CodeLocation> siteList = new ArrayList<>();
  private long lookups;
  private long failures;

  SymbolCache(Symbolizer symbolizer, int maxEntries) {
    this.symbolizer = symbolizer;
    this.maxEntries = maxEntries;
  }

  CodeLocation creationSite(long gopc) {
    if (gopc == 0) {
      return CodeLocation.UNKNOWN;
    }
    CodeLocation site = sites.get(gopc);
    if (site == null) {
      lookups++;
      try {
        site = symbolizer.creationSite(gopc);
      } catch (RuntimeException e) {
        failures++;
      }
      if (site == null) {
        site = CodeLocation.UNKNOWN;
      }
      if (sites.size() < maxEntries) {
        sites.put(gopc, site);
      }
    }
    return site;
  }

  @Override
  public CodeLocation location(long pc) {
    return creationSite(pc);
  }

  String startFunction(long startPc) {
    if (startPc == 0) {
      return "";
    }
    String name = functions.get(startPc);
    if (name == null) {
      lookups++;
      try {
        name = symbolizer.startFunction(startPc);
      } catch (RuntimeException e) {
        failures++;
      }
      if (name == null) {
        name = "";
      }
      if (functions.size() < maxEntries) {
        functions.put(startPc, name);
      }
    }
    return name;
  }

  @Override
  public String waitReason(int code) {
    int index = code & 0xff;
    String reason = waitReasons[index];
    if (reason == null) {
      lookups++;
      try {
        reason = symbolizer.waitReason(index);
      } catch (RuntimeException e) {
        failures++;
      }
      if (reason == null || reason.isEmpty()) {
        reason = Symbolizer.NONE.waitReason(index);
      }
      waitReasons[index] = reason;
    }
    return reason;
  }

  @Override
  public List<CodeLocation> frames(long returnAddress) {
    if (returnAddress == 0) {
      return List.of();
    }
    List<CodeLocation> f = frames.get(returnAddress);
    if (f == null) {
      lookups++;
      try {
        f = List.copyOf(symbolizer.frames(returnAddress));
      } catch (RuntimeException e) {
        failures++;
        f = List.of();
      }
      if (frames.size() < maxEntries) {
        frames.put(returnAddress, f);
      }
    }
    return f;
  }

  @Override
  public boolean userCode(String function) {
    try {
      return symbolizer.userCode(function);
    } catch (RuntimeException e) {
      failures++;
      return false;
    }
  }

  /** Past {@code maxEntries} distinct sites, new ones are 0 (unknown): a bound, not a loss. */
  @Override
  public int internSite(CodeLocation site) {
    if (site == null || !site.isKnown()) {
      return 0;
    }
    Integer id = siteIds.get(site);
    if (id == null) {
      if (siteList.size() >= maxEntries) {
        return 0;
      }
      siteList.add(site);
      id = siteList.size();
      siteIds.put(site, id);
    }
    return id;
  }

  @Override
  public CodeLocation site(int id) {
    return id > 0 && id <= siteList.size() ? siteList.get(id - 1) : CodeLocation.UNKNOWN;
  }

  /** Calls made to the symbolizer (cache misses). */
  long lookups() {
    return lookups;
  }

  /** Calls that threw. */
  long failures() {
    return failures;
  }
}
