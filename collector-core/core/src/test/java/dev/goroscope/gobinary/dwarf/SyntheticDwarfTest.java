package dev.goroscope.gobinary.dwarf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.gobinary.BinaryFormatException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Forms Go does not emit today but DWARF producers do (DWARF 5 string indexes, implicit
 * constants, location expressions, 64-bit DWARF, CU-relative references, declarations), on
 * hand-assembled sections.
 */
class SyntheticDwarfTest {

  /** A little-endian byte writer with back-patching. */
  static final class Bytes {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Bytes u8(int v) {
      out.write(v);
      return this;
    }

    Bytes u16(int v) {
      return u8(v & 0xff).u8(v >>> 8 & 0xff);
    }

    Bytes u32(long v) {
      return u16((int) (v & 0xffff)).u16((int) (v >>> 16 & 0xffff));
    }

    Bytes u64(long v) {
      return u32(v & 0xffffffffL).u32(v >>> 32);
    }

    Bytes uleb(long v) {
      do {
        int b = (int) (v & 0x7f);
        v >>>= 7;
        u8(v != 0 ? b | 0x80 : b);
      } while (v != 0);
      return this;
    }

    Bytes sleb(long v) {
      while (true) {
        int b = (int) (v & 0x7f);
        v >>= 7;
        boolean done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
        u8(done ? b : b | 0x80);
        if (done) {
          return this;
        }
      }
    }

    Bytes str(String s) {
      out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      return u8(0);
    }

    int pos() {
      return out.size();
    }

    byte[] bytes() {
      return out.toByteArray();
    }

    ByteBuffer buffer() {
      return ByteBuffer.wrap(bytes()).order(ByteOrder.LITTLE_ENDIAN);
    }

    static void patch32(byte[] b, int at, long v) {
      ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(at, (int) v);
    }

    static void patch64(byte[] b, int at, long v) {
      ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, v);
    }
  }

  @Test
  void dwarf5StringIndexesImplicitConstantsAndExpressions() {
    Bytes abbrev = new Bytes()
        .uleb(1).uleb(0x11).u8(1).uleb(0x72).uleb(0x17).uleb(0x03).uleb(0x25).uleb(0).uleb(0)
        .uleb(2).uleb(0x13).u8(1).uleb(0x03).uleb(0x25).uleb(0x0b).uleb(0x21).sleb(24)
        .uleb(0).uleb(0)
        .uleb(3).uleb(0x0d).u8(0).uleb(0x03).uleb(0x0e).uleb(0x38).uleb(0x18).uleb(0x49)
        .uleb(0x13).uleb(0).uleb(0)
        .uleb(4).uleb(0x0d).u8(0).uleb(0x03).uleb(0x1f).uleb(0x38).uleb(0x0b).uleb(0x49)
        .uleb(0x10).uleb(0).uleb(0)
        .uleb(5).uleb(0x0f).u8(0).uleb(0x03).uleb(0x08).uleb(0).uleb(0)
        .uleb(6).uleb(0x24).u8(0).uleb(0x03).uleb(0x1a).uleb(0x0b).uleb(0x0b).uleb(0).uleb(0)
        .uleb(0);
    Bytes str = new Bytes().u8(0).str("cu").str("demo.T").str("first").str("int");
    // "cu"@1, "demo.T"@4, "first"@11, "int"@17
    Bytes strOffsets = new Bytes().u32(16).u16(5).u16(0).u32(1).u32(4).u32(17);
    Bytes lineStr = new Bytes().u8(0).str("second");

    Bytes info = new Bytes();
    info.u32(0).u16(5).u8(1).u8(8).u32(0);
    info.uleb(1).u32(8).u8(0); // CU: str_offsets_base 8, name strx1 0
    info.uleb(2).u8(1); // struct demo.T
    info.uleb(3).u32(11).uleb(2).u8(0x23).u8(8); // first: plus_uconst 8
    int firstType = info.pos();
    info.u32(0); // ref4 patched below
    info.uleb(4).u32(1).u8(16);
    int secondType = info.pos();
    info.u32(0); // ref_addr patched below
    info.u8(0); // end of struct
    int pointerDie = info.pos();
    info.uleb(5).str("*demo.T");
    int baseDie = info.pos();
    info.uleb(6).uleb(2).u8(8);
    info.u8(0); // end of CU
    byte[] image = info.bytes();
    Bytes.patch32(image, 0, image.length - 4);
    Bytes.patch32(image, firstType, pointerDie); // CU-relative; the unit starts at 0
    Bytes.patch32(image, secondType, baseDie);

    DwarfReader r = DwarfReader.of("synthetic", ByteBuffer.wrap(image), abbrev.buffer(),
        str.buffer(), lineStr.buffer(), strOffsets.buffer());
    assertThat(r.version()).isEqualTo(5);
    Map<String, DwarfStruct> found = r.findStructs(List.of("demo.T"));
    assertThat(found).containsOnlyKeys("demo.T");
    DwarfStruct t = found.get("demo.T");
    assertThat(t.byteSize()).isEqualTo(24);
    assertThat(t.members()).containsExactly(
        new DwarfMember("first", 8, "*demo.T", true, pointerDie),
        new DwarfMember("second", 16, "int", false, baseDie));
  }

  @Test
  void dwarf4In64BitFormatSkipsDeclarations() {
    Bytes abbrev = new Bytes()
        .uleb(1).uleb(0x11).u8(1).uleb(0x03).uleb(0x08).uleb(0).uleb(0)
        .uleb(2).uleb(0x13).u8(1).uleb(0x03).uleb(0x08).uleb(0x3c).uleb(0x19)
        .uleb(0).uleb(0)
        .uleb(3).uleb(0x13).u8(1).uleb(0x03).uleb(0x08).uleb(0x0b).uleb(0x0f)
        .uleb(0).uleb(0)
        .uleb(4).uleb(0x0d).u8(0).uleb(0x03).uleb(0x08).uleb(0x38).uleb(0x05).uleb(0x49)
        .uleb(0x15).uleb(0).uleb(0)
        .uleb(5).uleb(0x24).u8(0).uleb(0x03).uleb(0x08).uleb(0).uleb(0)
        .uleb(0);
    Bytes info = new Bytes();
    info.u32(0xffffffffL).u64(0).u16(4).u64(0).u8(8);
    info.uleb(1).str("cu");
    info.uleb(2).str("demo.T").u8(0); // a declaration with (empty) children
    info.uleb(3).str("demo.T").uleb(300);
    info.uleb(4).str("a").u16(0x1234);
    int typeRef = info.pos();
    info.uleb(0); // ref_udata patched below (one byte is enough)
    info.u8(0);
    int base = info.pos();
    info.uleb(5).str("uint32");
    info.u8(0);
    byte[] image = info.bytes();
    Bytes.patch64(image, 4, image.length - 12);
    image[typeRef] = (byte) base;

    DwarfReader r = DwarfReader.of("synthetic64", ByteBuffer.wrap(image), abbrev.buffer(),
        null, null, null);
    assertThat(r.version()).isEqualTo(4);
    DwarfStruct t = r.findStructs(List.of("demo.T")).get("demo.T");
    assertThat(t.byteSize()).isEqualTo(300);
    assertThat(t.members()).containsExactly(new DwarfMember("a", 0x1234, "uint32", false, base));
  }

  @Test
  void badHeadersAreFormatErrors() {
    ByteBuffer abbrev = new Bytes().uleb(0).buffer();
    for (byte[] info : List.of(
        new byte[] {1, 0, 0, 0},
        new Bytes().u32(7).u16(9).u32(0).u8(8).bytes(),
        new Bytes().u32(0xfffffff5L).bytes(),
        new Bytes().u32(100).u16(4).bytes(),
        new Bytes().u32(8).u16(4).u32(0).u8(3).u8(1).bytes())) {
      DwarfReader r = DwarfReader.of("bad", ByteBuffer.wrap(info), abbrev, null, null, null);
      assertThatThrownBy(() -> r.findStructs(List.of("x")))
          .isInstanceOf(BinaryFormatException.class)
          .hasMessageStartingWith("bad is truncated or corrupted");
    }
  }
}
