package dev.goroscope.event;

import dev.goroscope.record.CodeLocation;
import java.util.List;

/**
 * What a {@link MarkKind} may need to name its payload: code locations, wait reasons, and the
 * call sites picked from a mark's stack (interned per process, so a log keeps an int).
 */
public interface MarkSymbols {

  /** The function and line of a code address (a return address: looked up at pc − 1). */
  CodeLocation location(long pc);

  /** The wait reason for this binary's Go version. */
  String waitReason(int code);

  /**
   * The source frames of a return address, innermost first: the calls inlined there, then the
   * function that holds it. By default the one location {@link #location} gives.
   */
  default List<CodeLocation> frames(long returnAddress) {
    return List.of(location(returnAddress));
  }

  /**
   * Whether {@code function} is the program's own code (its main module or a dependency), not
   * the standard library. By default: package {@code main}, or a package path whose first
   * element has a dot ({@code github.com/…}), as the go command tells standard packages apart.
   */
  default boolean userCode(String function) {
    return CallSites.looksLikeUserCode(function);
  }

  /** An id for {@code site} (the same site, the same id); 0 for an unknown site. */
  int internSite(CodeLocation site);

  /** The site of an id from {@link #internSite}, or {@link CodeLocation#UNKNOWN}. */
  CodeLocation site(int id);
}
