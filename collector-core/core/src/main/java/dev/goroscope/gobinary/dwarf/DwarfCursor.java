package dev.goroscope.gobinary.dwarf;

import dev.goroscope.gobinary.BinaryFormatException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked little-endian reader over one DWARF section. Every read that would leave
 * the section fails with {@link BinaryFormatException} instead of an index exception, so a
 * corrupted file never surfaces as anything but a format error.
 */
final class DwarfCursor {

  private final String section;
  private final ByteBuffer buf;
  private final String file;
  private int pos;

  DwarfCursor(String file, String section, ByteBuffer buf) {
    this.file = file;
    this.section = section;
    this.buf = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  int position() {
    return pos;
  }

  int limit() {
    return buf.capacity();
  }

  boolean hasRemaining() {
    return pos < buf.capacity();
  }

  void seek(long offset) {
    if (offset < 0 || offset > buf.capacity()) {
      throw corrupt("offset " + offset + " outside " + section);
    }
    pos = (int) offset;
  }

  void skip(long n) {
    if (n < 0 || n > buf.capacity() - pos) {
      throw corrupt("skip of " + n + " bytes at " + pos + " leaves " + section);
    }
    pos += (int) n;
  }

  int u8() {
    need(1);
    return buf.get(pos++) & 0xff;
  }

  int u16() {
    need(2);
    int v = Short.toUnsignedInt(buf.getShort(pos));
    pos += 2;
    return v;
  }

  long u24() {
    need(3);
    long v = (buf.get(pos) & 0xffL) | (buf.get(pos + 1) & 0xffL) << 8
        | (buf.get(pos + 2) & 0xffL) << 16;
    pos += 3;
    return v;
  }

  long u32() {
    need(4);
    long v = Integer.toUnsignedLong(buf.getInt(pos));
    pos += 4;
    return v;
  }

  long u64() {
    need(8);
    long v = buf.getLong(pos);
    pos += 8;
    return v;
  }

  /** An unsigned integer of 1, 2, 4 or 8 bytes. */
  long unsigned(int size) {
    return switch (size) {
      case 1 -> u8();
      case 2 -> u16();
      case 4 -> u32();
      case 8 -> u64();
      default -> throw corrupt("integer size " + size);
    };
  }

  /** ULEB128; more than 10 bytes is corruption, not a long number. */
  long uleb() {
    long result = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      int b = u8();
      result |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw corrupt("LEB128 longer than 10 bytes at " + pos);
  }

  long sleb() {
    long result = 0;
    int shift = 0;
    int b;
    do {
      if (shift >= 70) {
        throw corrupt("LEB128 longer than 10 bytes at " + pos);
      }
      b = u8();
      result |= (long) (b & 0x7f) << shift;
      shift += 7;
    } while ((b & 0x80) != 0);
    if (shift < 64 && (b & 0x40) != 0) {
      result |= -1L << shift;
    }
    return result;
  }

  /** A NUL-terminated UTF-8 string at the cursor. */
  String cString() {
    int end = pos;
    int cap = buf.capacity();
    while (end < cap && buf.get(end) != 0) {
      end++;
    }
    if (end >= cap) {
      throw corrupt("unterminated string at " + pos);
    }
    byte[] bytes = new byte[end - pos];
    buf.get(pos, bytes);
    pos = end + 1;
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** A NUL-terminated string at an absolute offset, without moving the cursor. */
  String cStringAt(long offset) {
    int saved = pos;
    seek(offset);
    try {
      return cString();
    } finally {
      pos = saved;
    }
  }

  /** A cursor over {@code length} bytes at {@code start} of this section (a location block). */
  DwarfCursor sub(int start, int length) {
    if (start < 0 || length < 0 || length > buf.capacity() - start) {
      throw corrupt("block of " + length + " bytes at " + start);
    }
    return new DwarfCursor(file, section, buf.slice(start, length));
  }

  BinaryFormatException corrupt(String what) {
    return new BinaryFormatException(file + " is truncated or corrupted: " + section + ": " + what);
  }

  private void need(int n) {
    if (n > buf.capacity() - pos) {
      throw corrupt("read of " + n + " bytes at " + pos + " past the end (" + buf.capacity() + ")");
    }
  }
}
