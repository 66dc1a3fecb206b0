package dev.goroscope.gobinary.pclntab;

import dev.goroscope.gobinary.elf.ElfFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Bounds-checked little-endian reads from one table of {@code .gopclntab}; every failure is a
 * {@link dev.goroscope.gobinary.BinaryFormatException} naming the table.
 */
final class TableBytes {

  /** Go symbol names (generic instantiations included) and file paths stay far below this. */
  static final int MAX_STRING = 16 << 10;

  private final ElfFile elf;
  private final ByteBuffer buf;
  private final String name;

  TableBytes(ElfFile elf, ByteBuffer buf, String name) {
    this.elf = elf;
    this.buf = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    this.name = name;
  }

  int size() {
    return buf.capacity();
  }

  int u8(long off) {
    check(off, 1);
    return buf.get((int) off) & 0xff;
  }

  /** An unsigned 32-bit value as a long. */
  long u32(long off) {
    check(off, 4);
    return Integer.toUnsignedLong(buf.getInt((int) off));
  }

  long u64(long off) {
    check(off, 8);
    return buf.getLong((int) off);
  }

  /** The NUL-terminated string at {@code off}. */
  String cString(long off) {
    check(off, 1);
    int start = (int) off;
    int limit = (int) Math.min(buf.capacity(), (long) start + MAX_STRING);
    int end = start;
    while (end < limit && buf.get(end) != 0) {
      end++;
    }
    if (end == limit) {
      throw elf.corrupt(name + ": unterminated string at offset " + off);
    }
    byte[] bytes = new byte[end - start];
    buf.get(start, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private void check(long off, int len) {
    if (off < 0 || off > buf.capacity() - len) {
      throw elf.corrupt(name + ": offset " + off + " is outside the table (" + buf.capacity()
          + " bytes)");
    }
  }
}
