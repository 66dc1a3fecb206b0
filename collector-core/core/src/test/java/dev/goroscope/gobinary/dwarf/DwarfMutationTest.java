package dev.goroscope.gobinary.dwarf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Thousands of corrupted copies of real .debug_info/.debug_abbrev: the reader either answers
 * or throws {@link BinaryFormatException}, each within a time bound.
 */
class DwarfMutationTest {

  private static final int ROUNDS = 3000;
  private static final long MAX_MILLIS_PER_ROUND = 2_000;

  @ParameterizedTest
  @EnumSource(value = Toolchain.class, names = {"GO_1_19", "GO_1_26"})
  void corruptedSectionsFailOnlyWithFormatErrors(Toolchain t) {
    ElfFile elf = ElfFile.open(GoToolchains.build("offsetprobe", t, Mode.NORMAL));
    byte[] info = bytes(elf.sectionData(elf.section(".debug_info").orElseThrow()));
    byte[] abbrev = bytes(elf.sectionData(elf.section(".debug_abbrev").orElseThrow()));
    // Mutations are aimed at the prefix the reader walks before it finds runtime.g.
    int prefix = reachOf(info, abbrev);
    Random random = new Random(0x60_05c0_9eL + t.ordinal());
    int formatErrors = 0;
    for (int round = 0; round < ROUNDS; round++) {
      byte[] i = info.clone();
      byte[] a = abbrev.clone();
      int kind = random.nextInt(5);
      switch (kind) {
        case 0 -> flip(random, a, a.length, 1 + random.nextInt(4));
        case 1 -> flip(random, i, prefix, 1 + random.nextInt(8));
        case 2 -> i = java.util.Arrays.copyOf(i, random.nextInt(prefix));
        case 3 -> a = java.util.Arrays.copyOf(a, random.nextInt(a.length));
        default -> {
          int at = random.nextInt(prefix - 8);
          for (int k = 0; k < 5; k++) {
            i[at + k] = (byte) 0xff; // huge LEB128s, lengths and offsets
          }
        }
      }
      DwarfReader r = DwarfReader.of("mutant", ByteBuffer.wrap(i), ByteBuffer.wrap(a), null,
          null, null);
      long start = System.nanoTime();
      try {
        r.findStructs(List.of("runtime.g", "runtime.m"));
      } catch (BinaryFormatException e) {
        formatErrors++;
        assertThat(e.getMessage()).startsWith("mutant is truncated or corrupted");
      } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
        fail("round " + round + " (mutation " + kind + ") escaped with " + e, e);
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(millis).as("round %d took too long", round).isLessThan(MAX_MILLIS_PER_ROUND);
    }
    System.out.println("dwarf mutation go" + t.minor() + ": prefix " + prefix + " of "
        + info.length + ", format errors " + formatErrors + "/" + ROUNDS);
    assertThat(formatErrors).as("most mutants are detected").isGreaterThan(ROUNDS / 4);
  }

  /** How far into .debug_info the unmutated scan reads to find runtime.g (end of its unit). */
  private static int reachOf(byte[] info, byte[] abbrev) {
    DwarfReader r = DwarfReader.of("clean", ByteBuffer.wrap(info), ByteBuffer.wrap(abbrev),
        null, null, null);
    assertThat(r.findStructs(List.of("runtime.g"))).containsKey("runtime.g");
    return (int) Math.min(info.length, Math.max(4096, r.lastUnitEnd()));
  }

  private static void flip(Random random, byte[] b, int limit, int n) {
    for (int k = 0; k < n && limit > 0; k++) {
      b[random.nextInt(limit)] ^= (byte) (1 << random.nextInt(8));
    }
  }

  private static byte[] bytes(ByteBuffer buf) {
    byte[] out = new byte[buf.remaining()];
    buf.duplicate().get(out);
    return out;
  }
}
