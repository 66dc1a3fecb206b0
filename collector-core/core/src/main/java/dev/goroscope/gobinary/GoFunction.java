package dev.goroscope.gobinary;

import java.util.Objects;

/**
 * A function of a Go binary and its code range.
 *
 * @param name the fully qualified Go name, e.g. {@code runtime.newproc1} or {@code
 *     main.(*server).handle}
 * @param entry the virtual address of its first instruction
 * @param end the virtual address just past its code (from the symbol size, or the next
 *     function's entry when only {@code .gopclntab} is available; the gap is padding)
 */
public record GoFunction(String name, long entry, long end) {

  public GoFunction {
    Objects.requireNonNull(name, "name");
  }

  public long size() {
    return end - entry;
  }

  /** True when {@code pc} lies in {@code [entry, end)}. */
  public boolean contains(long pc) {
    return Long.compareUnsigned(pc, entry) >= 0 && Long.compareUnsigned(pc, end) < 0;
  }

  @Override
  public String toString() {
    return String.format("%s [0x%x, 0x%x)", name, entry, end);
  }
}
