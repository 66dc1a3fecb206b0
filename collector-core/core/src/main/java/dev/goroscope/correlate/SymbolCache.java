package dev.goroscope.correlate;

import dev.goroscope.event.MarkSymbols;
import dev.goroscope.record.CodeLocation;

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

  /** Calls made to the symbolizer (cache misses). */
  long lookups() {
    return lookups;
  }

  /** Calls that threw. */
  long failures() {
    return failures;
  }
}
