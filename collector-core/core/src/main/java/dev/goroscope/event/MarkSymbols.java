package dev.goroscope.event;

import dev.goroscope.record.CodeLocation;

/** What a {@link MarkKind} may need to name its payload: code locations, wait reasons. */
public interface MarkSymbols {

  /** The function and line of a code address (a return address: looked up at pc − 1). */
  CodeLocation location(long pc);

  /** The wait reason for this binary's Go version. */
  String waitReason(int code);
}
