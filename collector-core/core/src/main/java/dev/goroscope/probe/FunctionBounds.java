package dev.goroscope.probe;

import java.util.Objects;

/**
 * Where one function's code lies: from .symtab ({@code st_value}, {@code st_size}) or from
 * .gopclntab (entry to the next function's entry) in stripped binaries.
 *
 * @param name the Go symbol name, e.g. {@code runtime.newproc1}
 * @param address the entry's virtual address
 * @param size bytes of code (padding after the last instruction is harmless)
 */
public record FunctionBounds(String name, long address, long size) {

  /** Go functions are far smaller; a larger claim is a corrupted table. */
  public static final long MAX_SIZE = 1 << 20;

  public FunctionBounds {
    Objects.requireNonNull(name, "name");
    if (size <= 0 || size > MAX_SIZE) {
      throw new IllegalArgumentException("function " + name + " has size " + size);
    }
  }

  public long end() {
    return address + size;
  }
}
