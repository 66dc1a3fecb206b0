package dev.goroscope.correlate;

import dev.goroscope.event.CallSites;
import dev.goroscope.record.CodeLocation;
import java.util.List;

/**
 * Turns the raw numbers of one target binary into names. Implemented by the Go binary inspector
 * (pclntab reader); the correlator calls it at most once per distinct value per process and
 * caches the answer, so an implementation may be slow but must be deterministic.
 *
 * <p>Implementations should return {@link CodeLocation#UNKNOWN} or an empty string for values
 * they cannot resolve rather than throw; the correlator treats a thrown exception the same way
 * and counts it.
 */
public interface Symbolizer {

  /** Resolves nothing: every PC is unknown and wait reasons are shown by number. */
  Symbolizer NONE =
      new Symbolizer() {
        @Override
        public CodeLocation creationSite(long gopc) {
          return CodeLocation.UNKNOWN;
        }

        @Override
        public String startFunction(long startPc) {
          return "";
        }

        @Override
        public String waitReason(int code) {
          return "wait reason " + code;
        }

        @Override
        public String toString() {
          return "Symbolizer.NONE";
        }
      };

  /**
   * Where the {@code go} statement is: {@code gopc} is a return address, so implementations look
   * up {@code gopc - 1}.
   */
  CodeLocation creationSite(long gopc);

  /** The goroutine's real start function (compiler wrappers unwrapped where possible), or "". */
  String startFunction(long startPc);

  /** The wait reason's text for this binary's Go version, e.g. {@code chan receive}. */
  String waitReason(int code);

  /**
   * The source frames of a return address, innermost first (calls inlined there, then the
   * function holding it); by default the one location {@link #creationSite} gives.
   */
  default List<CodeLocation> frames(long returnAddress) {
    return List.of(creationSite(returnAddress));
  }

  /** Whether {@code function} is the program's own code rather than the standard library. */
  default boolean userCode(String function) {
    return CallSites.looksLikeUserCode(function);
  }
}
