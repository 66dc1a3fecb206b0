package dev.goroscope.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.disasm.X86Disassembler;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.elf.ElfSymbol;
import dev.goroscope.gobinary.offsets.OffsetResolver;
import dev.goroscope.process.ProcessMemory;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class AllgsLocatorTest {

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void codeOfForEachGPointsAtTheAllgsSymbol(Toolchain toolchain) {
    GoBinary binary = GoBinary.open(GoToolchains.build("snapshotprog", toolchain, Mode.NORMAL));
    long symbol = binary.elf().symbols().stream()
        .filter(s -> s.name().equals("runtime.allgs"))
        .mapToLong(ElfSymbol::value)
        .findFirst()
        .orElseThrow();
    try (X86Disassembler disasm = X86Disassembler.open()) {
      assertThat(AllgsLocator.fromCode(binary, disasm)).hasValue(symbol);
      assertThat(AllgsLocator.locate(binary, disasm)).hasValue(symbol);
    }
  }

  /** Stripped: no symbol to compare with, so read the live goroutines through what it found. */
  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void strippedBinaryStillListsItsSnapshotGoroutines(Toolchain toolchain) throws Exception {
    Path stripped = GoToolchains.build("snapshotprog", toolchain, Mode.STRIPPED);
    GoBinary binary = GoBinary.open(stripped);
    assertThat(binary.stripped()).isTrue();
    OptionalLong allgs;
    try (X86Disassembler disasm = X86Disassembler.open()) {
      allgs = AllgsLocator.locate(binary, disasm);
    }
    assertThat(allgs).isPresent();
    Map<String, Long> offsets =
        OffsetResolver.resolve(binary.elf(), binary.version()).asMap();

    Process target = new ProcessBuilder(stripped.toString(), "7").start();
    try {
      Set<Long> printed = new HashSet<>();
      BufferedReader out = new BufferedReader(
          new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
      for (String l = out.readLine(); l != null && !l.equals("ready"); l = out.readLine()) {
        printed.add(Long.parseLong(l.split(" ")[1]));
      }
      assertThat(printed).hasSize(7);
      List<SnapshotGoroutine> live;
      try (ProcessMemory memory = ProcessMemory.open((int) target.pid())) {
        live = GoroutineSnapshot.read(memory, allgs.getAsLong(), offsets);
      }
      assertThat(live.stream().map(SnapshotGoroutine::goid).collect(Collectors.toSet()))
          .contains(1L)
          .containsAll(printed);
    } finally {
      target.destroyForcibly();
      target.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
