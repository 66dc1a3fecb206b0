package dev.goroscope.record;

import java.util.Objects;

/**
 * A symbolised program counter: function, source file and line.
 *
 * @param function fully qualified Go function name, e.g. {@code main.worker}
 * @param file absolute source file path as recorded in the binary, or empty when unknown
 * @param line source line, or 0 when unknown
 */
public record CodeLocation(String function, String file, int line) {

  /** Used when a PC could not be symbolised. */
  public static final CodeLocation UNKNOWN = new CodeLocation("", "", 0);

  public CodeLocation {
    Objects.requireNonNull(function, "function");
    Objects.requireNonNull(file, "file");
  }

  public boolean isKnown() {
    return !function.isEmpty();
  }

  @Override
  public String toString() {
    return isKnown() ? function + " " + file + ":" + line : "?";
  }
}
