package dev.goroscope.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSection;
import dev.goroscope.gobinary.GoVersion;
import dev.goroscope.gobinary.offsets.OffsetResolver;
import dev.goroscope.gobinary.offsets.StructOffsets;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Offsets and probe sites of mutated real binaries (flipped bytes in section headers, compressed
 * DWARF, .symtab and the probed code; truncations): only {@link BinaryFormatException} may
 * escape, each round within a time bound.
 */
class PipelineMutationTest {

  private static final int ROUNDS = 400;

  @Test
  void mutatedBinariesFailOnlyWithFormatErrors() throws Exception {
    Path bin = GoToolchains.build("offsetprobe", Toolchain.GO_1_26, Mode.NORMAL);
    byte[] original = Files.readAllBytes(bin);
    ElfFile clean = ElfFile.open(bin);
    List<long[]> regions = new ArrayList<>(); // {offset, length}
    long shoff = ByteBuffer.wrap(original).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(40);
    regions.add(new long[] {shoff, 64L * clean.sections().size()});
    for (String name : List.of(".debug_info", ".debug_abbrev", ".symtab")) {
      ElfSection s = clean.section(name).orElseThrow();
      regions.add(new long[] {s.offset(), Math.min(s.size(), 1 << 16)});
    }
    FunctionBounds newproc1 = FunctionLocator.fromSymbols(clean).find("runtime.newproc1")
        .orElseThrow();
    regions.add(new long[] {clean.fileOffset(newproc1.address()), newproc1.size()});

    Random random = new Random(20261127L);
    int formatErrors = 0;
    try (X86Disassembler disasm = X86Disassembler.open()) {
      for (int round = 0; round < ROUNDS; round++) {
        byte[] image = original.clone();
        int kind = random.nextInt(regions.size() + 1);
        if (kind == regions.size()) {
          image = java.util.Arrays.copyOf(image, random.nextInt(image.length));
        } else {
          long[] r = regions.get(kind);
          for (int k = 1 + random.nextInt(6); k > 0; k--) {
            int at = (int) (r[0] + random.nextInt((int) r[1]));
            image[at] = random.nextInt(4) == 0 ? (byte) 0xff
                : (byte) (image[at] ^ (1 << random.nextInt(8)));
          }
        }
        long start = System.nanoTime();
        try {
          ElfFile elf = ElfFile.parse(bin, ByteBuffer.wrap(image));
          GoVersion v = GoVersion.parseOrUnknown("go1.26.8");
          StructOffsets offsets = OffsetResolver.resolve(elf, v);
          List<ResolvedProbe> probes = ProbeCatalog.forVersion(v)
              .resolve(elf, FunctionLocator.fromSymbols(elf), disasm);
          ProbePlan.create(probes, offsets, use -> java.util.OptionalLong.empty(), true);
        } catch (BinaryFormatException e) {
          formatErrors++;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
          fail("round " + round + " (region " + kind + ") escaped with " + e, e);
        }
        assertThat((System.nanoTime() - start) / 1_000_000).as("round %d", round)
            .isLessThan(5_000);
      }
    }
    System.out.println("pipeline mutation: format errors " + formatErrors + "/" + ROUNDS);
    assertThat(formatErrors).isPositive();
  }
}
