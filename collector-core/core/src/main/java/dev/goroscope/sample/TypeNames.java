package dev.goroscope.sample;

import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.offsets.OffsetKeys;
import dev.goroscope.gobinary.offsets.StructOffsets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Names of Go types from their {@code *_type} pointers, read from the executable file (type
 * descriptors are read-only data): {@code _type.str} is a {@code nameOff} from {@code
 * moduledata.types} to an {@code abi.Name} (a flag byte, a varint length, the bytes); with
 * {@code TFlagExtraStar} the stored string has a leading {@code *} to drop ({@code
 * reflect.rtype.String}). Types made at run time (reflect) are outside the file: "".
 */
final class TypeNames {

  private static final int TFLAG_EXTRA_STAR = 2;

  private final GoBinary binary;
  private final long types;
  private final long etypes;
  private final int strOff;
  private final int tflagOff;
  private final Map<Long, String> cache = new HashMap<>();

  private TypeNames(GoBinary binary, long types, long etypes, int strOff, int tflagOff) {
    this.binary = binary;
    this.types = types;
    this.etypes = etypes;
    this.strOff = strOff;
    this.tflagOff = tflagOff;
  }

  /** Empty-handed (every name "") when the binary lacks what is needed. */
  static TypeNames of(GoBinary binary, StructOffsets offsets) {
    OptionalLong md = binary.pcLnTable().moduleDataAddress();
    OptionalLong typesOff = offsets.get(OffsetKeys.MODULEDATA_TYPES);
    OptionalLong etypesOff = offsets.get(OffsetKeys.MODULEDATA_ETYPES);
    OptionalLong str = offsets.get(OffsetKeys.ABI_TYPE_STR);
    OptionalLong tflag = offsets.get(OffsetKeys.ABI_TYPE_TFLAG);
    if (str.isEmpty()) {
      str = offsets.get(OffsetKeys.TYPE_STR);
      tflag = offsets.get(OffsetKeys.TYPE_TFLAG);
    }
    if (md.isEmpty() || typesOff.isEmpty() || etypesOff.isEmpty() || str.isEmpty()
        || tflag.isEmpty()) {
      return new TypeNames(binary, 0, 0, 0, 0);
    }
    try {
      long types = binary.elf().readAddress(md.getAsLong() + typesOff.getAsLong(), 8).getLong(0);
      long etypes = binary.elf().readAddress(md.getAsLong() + etypesOff.getAsLong(), 8)
          .getLong(0);
      return new TypeNames(binary, types, etypes, (int) str.getAsLong(),
          (int) tflag.getAsLong());
    } catch (BinaryFormatException e) {
      return new TypeNames(binary, 0, 0, 0, 0);
    }
  }

  boolean available() {
    return types != 0 && etypes > types;
  }

  /** The name of the type at link-time address {@code type}; "" when unknown. */
  String name(long type) {
    if (!available() || type < types || type >= etypes) {
      return "";
    }
    return cache.computeIfAbsent(type, this::read);
  }

  private String read(long type) {
    try {
      ByteBuffer t = binary.elf().readAddress(type, strOff + 4L);
      int tflag = t.get(tflagOff) & 0xff;
      long nameOff = Integer.toUnsignedLong(t.getInt(strOff));
      long name = types + nameOff;
      if (name >= etypes + (64 << 20)) {
        return "";
      }
      ByteBuffer head = binary.elf().readAddress(name, 1 + 10);
      long length = 0;
      int shift = 0;
      int i = 1;
      int b;
      do {
        b = head.get(i++) & 0xff;
        length |= (long) (b & 0x7f) << shift;
        shift += 7;
      } while ((b & 0x80) != 0 && i < 11);
      if (length <= 0 || length > 4096) {
        return "";
      }
      ByteBuffer bytes = binary.elf().readAddress(name + i, length);
      byte[] a = new byte[(int) length];
      bytes.get(0, a);
      String s = new String(a, StandardCharsets.UTF_8);
      return (tflag & TFLAG_EXTRA_STAR) != 0 && s.startsWith("*") ? s.substring(1) : s;
    } catch (BinaryFormatException | IndexOutOfBoundsException e) {
      return "";
    }
  }
}
