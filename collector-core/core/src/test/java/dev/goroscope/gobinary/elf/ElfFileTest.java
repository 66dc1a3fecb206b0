package dev.goroscope.gobinary.elf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ElfFile} on a real Go binary: compressed sections, strings, in-memory images. */
class ElfFileTest {

  @Test
  void inflatesLikeObjcopy(@TempDir Path dir) throws Exception {
    Path bin = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, Mode.NORMAL);
    Path plain = dir.resolve("plain");
    Process p = new ProcessBuilder("objcopy", "--decompress-debug-sections", bin.toString(),
        plain.toString()).inheritIO().start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    ElfFile compressed = ElfFile.open(bin);
    ElfFile reference = ElfFile.open(plain);
    for (String name : new String[] {".debug_info", ".debug_abbrev", ".debug_line"}) {
      ElfSection c = compressed.section(name).orElseThrow();
      assertThat(c.isCompressed()).as(name).isTrue();
      ElfSection r = reference.section(name).orElseThrow();
      assertThat(r.isCompressed()).as(name).isFalse();
      assertThat(bytes(compressed.sectionData(c))).as(name)
          .isEqualTo(bytes(reference.sectionData(r)));
    }
  }

  /** A ch_size larger than the stream holds is corruption, found without allocating it. */
  @Test
  void lyingCompressedSizeIsCorruption() throws IOException {
    Path bin = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, Mode.NORMAL);
    byte[] bytes = Files.readAllBytes(bin);
    ElfSection info = ElfFile.open(bin).section(".debug_info").orElseThrow();
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    long real = b.getLong((int) info.offset() + 8);
    b.putLong((int) info.offset() + 8, Math.min(real * 200, ElfFile.MAX_INFLATED_SECTION));
    ElfFile elf = ElfFile.parse(bin, ByteBuffer.wrap(bytes));
    ElfSection lying = elf.section(".debug_info").orElseThrow();
    assertThatThrownBy(() -> elf.sectionData(lying))
        .isInstanceOf(BinaryFormatException.class)
        .hasMessageContaining("inflates to " + real + " of");
    b.putLong((int) info.offset() + 8, real / 2);
    ElfFile shorter = ElfFile.parse(bin, ByteBuffer.wrap(bytes));
    // A smaller claim stops there: the data is cut, which the DWARF reader then reports.
    assertThat(shorter.sectionData(lying).capacity()).isEqualTo((int) (real / 2));
  }

  @Test
  void unterminatedStringsAreCapped() {
    Path bin = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, Mode.STRIPPED);
    ElfFile elf = ElfFile.open(bin);
    byte[] noNul = new byte[ElfFile.MAX_STRING + 10];
    Arrays.fill(noNul, (byte) 'a');
    ByteBuffer buf = ByteBuffer.wrap(noNul);
    assertThatThrownBy(() -> elf.cString(buf, 0))
        .isInstanceOf(BinaryFormatException.class).hasMessageContaining("longer than");
    // Up to the end of the table without a NUL is still a string (the table ends it).
    assertThat(elf.cString(buf, 20)).hasSize(noNul.length - 20);
    assertThatThrownBy(() -> elf.cString(buf, -1)).isInstanceOf(BinaryFormatException.class);
  }

  /** parse() reads position to limit: a limited buffer is a truncated file, not the array. */
  @Test
  void parseHonoursTheBufferLimit() throws IOException {
    Path bin = GoToolchains.build(GoToolchains.probeProgram(), Toolchain.GO_1_26, Mode.STRIPPED);
    byte[] bytes = Files.readAllBytes(bin);
    assertThat(ElfFile.parse(bin, ByteBuffer.wrap(bytes)).size()).isEqualTo(bytes.length);
    ByteBuffer prefix = ByteBuffer.wrap(bytes, 0, 4096);
    assertThatThrownBy(() -> ElfFile.parse(bin, prefix))
        .isInstanceOf(BinaryFormatException.class).hasMessageContaining("truncated or corrupted");
    byte[] shifted = new byte[bytes.length + 16];
    System.arraycopy(bytes, 0, shifted, 16, bytes.length);
    ElfFile atOffset = ElfFile.parse(bin, ByteBuffer.wrap(shifted, 16, bytes.length));
    assertThat(atOffset.size()).isEqualTo(bytes.length);
    assertThat(atOffset.sections()).isEqualTo(ElfFile.open(bin).sections());
  }

  private static byte[] bytes(ByteBuffer b) {
    byte[] out = new byte[b.capacity()];
    b.duplicate().position(0).get(out);
    return out;
  }
}
