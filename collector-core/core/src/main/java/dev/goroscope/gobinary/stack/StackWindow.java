package dev.goroscope.gobinary.stack;

import java.nio.ByteBuffer;

/**
 * A copy of part of a goroutine's stack, {@code [base, base + length)} in the target's address
 * space, held at {@code offset} of a little-endian buffer. Mutable so one instance serves every
 * goroutine of a sample.
 */
public final class StackWindow {

  private ByteBuffer buffer;
  private int offset;
  private long base;
  private int length;

  /** Points this window at {@code length} bytes copied from {@code base}. */
  public StackWindow set(ByteBuffer buffer, int offset, long base, int length) {
    this.buffer = buffer;
    this.offset = offset;
    this.base = base;
    this.length = length;
    return this;
  }

  /** An empty window (a goroutine whose stack was not read). */
  public StackWindow empty() {
    this.length = 0;
    return this;
  }

  public long base() {
    return base;
  }

  public int length() {
    return length;
  }

  /** True when the 8-byte word at {@code address} was copied. */
  public boolean hasWord(long address) {
    long at = address - base;
    return at >= 0 && at <= length - 8L;
  }

  /** The word at {@code address}; check {@link #hasWord} first. */
  public long word(long address) {
    if (!hasWord(address)) {
      throw new IndexOutOfBoundsException(Long.toHexString(address));
    }
    return buffer.getLong(offset + (int) (address - base));
  }
}
