package dev.goroscope.gobinary;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.gobinary.elf.ElfSymbol;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A cgo binary: C code comes first in .text, so {@code runtime.text} (the base of every
 * .gopclntab entry offset) is past the section start. A stripped build has no symbol for it;
 * moduledata must supply it. (Go's own {@code addr2line} takes the section start there and is
 * off by the C code's size, so the unstripped twin is the oracle.)
 */
class CgoBinaryTest {

  private final GoBinary normal = GoBinary.open(
      GoToolchains.build(GoToolchains.cgoProgram(), Toolchain.GO_1_26, Mode.CGO));
  private final GoBinary stripped = GoBinary.open(
      GoToolchains.build(GoToolchains.cgoProgram(), Toolchain.GO_1_26, Mode.CGO_STRIPPED));

  @Test
  void textStartComesFromModuleDataNotTheSection() {
    long runtimeText = normal.elf().symbols().stream()
        .filter(s -> s.name().equals("runtime.text")).mapToLong(ElfSymbol::value)
        .findFirst().orElseThrow();
    long sectionStart = stripped.elf().section(".text").orElseThrow().address();
    assertThat(runtimeText).as("the case under test: C code before Go code")
        .isGreaterThan(sectionStart);
    assertThat(stripped.stripped()).isTrue();
    assertThat(stripped.pcLnTable().textStartSource()).isEqualTo("moduledata");
    assertThat(stripped.pcLnTable().textStart()).isEqualTo(runtimeText);
    assertThat(stripped.pcLnTable().functions()).isEqualTo(normal.pcLnTable().functions());
  }

  @Test
  void strippedResolvesLikeAddr2lineOnTheUnstrippedTwin() {
    List<Long> pcs = new ArrayList<>();
    List<GoFunction> functions = stripped.pcLnTable().functions();
    for (int i = 0; i < functions.size(); i += 5) {
      GoFunction f = functions.get(i);
      pcs.add(f.entry());
      pcs.add(f.entry() + f.size() / 2);
    }
    String stdin = pcs.stream().map(pc -> "0x" + Long.toHexString(pc))
        .collect(Collectors.joining("\n", "", "\n"));
    String[] out = GoToolchains.go(Toolchain.GO_1_26, normal.path().getParent(), stdin, "tool",
        "addr2line", normal.path().toString()).split("\n");
    int checked = 0;
    for (int i = 0; i < pcs.size(); i++) {
      if (out[2 * i].equals("?")) {
        continue;
      }
      CodeLocation loc = stripped.resolve(pcs.get(i));
      assertThat(loc.function() + " " + loc.file() + ":" + loc.line()).as("pc 0x%x", pcs.get(i))
          .isEqualTo(out[2 * i] + " " + out[2 * i + 1].replace(":-1", ":0"));
      checked++;
    }
    assertThat(checked).isGreaterThan(500);
    GoFunction wrapper = stripped.function("main.main.gowrap1").orElseThrow();
    assertThat(stripped.startFunction(wrapper.entry())).get().extracting(GoFunction::name)
        .isEqualTo("main.work");
  }
}
