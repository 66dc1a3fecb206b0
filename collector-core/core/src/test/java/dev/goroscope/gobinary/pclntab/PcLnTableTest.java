package dev.goroscope.gobinary.pclntab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.gobinary.BinaryFormatException;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoFunction;
import dev.goroscope.gobinary.TestBinaries;
import dev.goroscope.gobinary.TestBinaries.Built;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSymbol;
import dev.goroscope.testing.GoToolchains.Mode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** .gopclntab location and moduledata, checked against the symbols of unstripped builds. */
class PcLnTableTest {

  static List<Built> binaries() {
    return TestBinaries.all();
  }

  static List<Built> notStripped() {
    return TestBinaries.allBut(Mode.STRIPPED);
  }

  static List<Built> stripped() {
    return TestBinaries.only(Mode.STRIPPED);
  }

  /**
   * Stripped binaries have no runtime.text or go:func.* symbol; moduledata, found by scanning,
   * must give exactly what the symbols say in the same binary.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("notStripped")
  void moduleDataFoundByScanningMatchesSymbols(Built b) {
    ElfFile elf = ElfFile.open(b.path());
    Map<String, Long> symbols = new HashMap<>();
    for (ElfSymbol s : elf.symbols()) {
      symbols.putIfAbsent(s.name(), s.value());
    }
    PcLnTable withSymbols = PcLnTable.read(elf);
    assertThat(withSymbols.textStartSource()).isEqualTo("symtab");
    ModuleData md = ModuleData.find(elf, withSymbols.address(), withSymbols.funcnameAddress(),
        withSymbols.format(), OptionalLong.empty()).orElseThrow();
    assertThat(md.address()).isEqualTo(symbols.get("runtime.firstmoduledata"));
    assertThat(md.text()).isEqualTo(symbols.get("runtime.text"));
    assertThat(md.etext()).isEqualTo(symbols.get("runtime.etext"));
    long goFunc = symbols.containsKey("go:func.*") ? symbols.get("go:func.*")
        : symbols.get("go.func.*");
    assertThat(md.goFunc()).isEqualTo(goFunc);
    assertThat(withSymbols.goFunc()).isEqualTo(goFunc);

    // Without symbols the table takes the same values from moduledata.
    PcLnTable without = PcLnTable.read(elf, name -> OptionalLong.empty());
    assertThat(without.textStartSource()).isEqualTo("moduledata");
    assertThat(without.textStart()).isEqualTo(withSymbols.textStart());
    assertThat(without.goFunc()).isEqualTo(goFunc);
  }

  /**
   * With no section table at all (e_shnum = 0), build information, .gopclntab and moduledata
   * are found in the segments, and give the same functions, lines and start functions.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("binaries")
  void worksWithoutSectionHeaders(Built b) throws IOException {
    byte[] bytes = Files.readAllBytes(b.path());
    ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    h.putLong(40, 0); // e_shoff
    h.putShort(60, (short) 0); // e_shnum
    h.putShort(62, (short) 0); // e_shstrndx
    GoBinary headless = GoBinary.of(ElfFile.parse(b.path(), ByteBuffer.wrap(bytes)));
    GoBinary original = GoBinary.open(b.path());
    assertThat(headless.elf().sections()).isEmpty();
    assertThat(headless.buildInfo()).isEqualTo(original.buildInfo());
    PcLnTable t = headless.pcLnTable();
    assertThat(t.textStartSource()).isEqualTo("moduledata");
    assertThat(t.address()).isEqualTo(original.pcLnTable().address());
    assertThat(t.textStart()).isEqualTo(original.pcLnTable().textStart());
    assertThat(t.goFunc()).isEqualTo(original.pcLnTable().goFunc());
    assertThat(t.functions()).isEqualTo(original.pcLnTable().functions());
    for (String name : List.of("main.main", "main.worker", "runtime.newproc1")) {
      GoFunction f = headless.function(name).orElseThrow();
      assertThat(headless.resolve(f.entry() + 3)).isEqualTo(original.resolve(f.entry() + 3));
    }
    // Every compiler wrapper of the program (go statements, defers) unwraps the same way.
    List<String> starts = new java.util.ArrayList<>();
    for (GoFunction f : original.pcLnTable().functions()) {
      if (f.name().startsWith("main.") && original.pcLnTable().isWrapper(f.entry())) {
        String start = original.startFunction(f.entry()).orElseThrow().name();
        assertThat(headless.startFunction(f.entry())).get().extracting(GoFunction::name)
            .isEqualTo(start);
        starts.add(start);
      }
    }
    assertThat(starts).contains("main.worker", "sync.(*WaitGroup).Done");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stripped")
  void olderFormatsAndGarbageAreClearErrors(Built b) throws IOException {
    byte[] bytes = Files.readAllBytes(b.path());
    GoBinary original = GoBinary.open(b.path());
    int at = (int) original.elf().fileOffset(original.pcLnTable().address());
    ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(at, 0xfffffffa);
    assertThatThrownBy(() -> read(b.path(), bytes))
        .isInstanceOf(BinaryFormatException.class)
        .hasMessageContaining("was built by Go 1.16 or 1.17")
        .hasMessageContaining("goroscope needs Go 1.19 or later");
    buf.putInt(at, 0x12345678);
    assertThatThrownBy(() -> read(b.path(), bytes))
        .isInstanceOf(BinaryFormatException.class)
        .hasMessageContaining("is truncated or corrupted: .gopclntab has unknown magic");
  }

  private static PcLnTable read(Path name, byte[] bytes) {
    return PcLnTable.read(ElfFile.parse(name, ByteBuffer.wrap(bytes)));
  }
}
