package dev.goroscope.gobinary.dwarf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Struct layouts read from real Go binaries, checked member by member against llvm-dwarfdump. */
class DwarfReaderTest {

  private static final List<String> STRUCTS =
      List.of("runtime.g", "runtime.m", "context.timerCtx", "context.cancelCtx", "time.Time");

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void structsMatchLlvmDwarfdump(Toolchain t) throws Exception {
    Path bin = GoToolchains.build("offsetprobe", t, Mode.NORMAL);
    DwarfReader dwarf = DwarfReader.open(ElfFile.open(bin)).orElseThrow();
    // Go writes DWARF 4 up to 1.24 and DWARF 5 from 1.25.
    assertThat(dwarf.version()).isEqualTo(t.atLeast(25) ? 5 : 4);
    Map<String, DwarfStruct> found = dwarf.findStructs(STRUCTS);
    assertThat(found.keySet()).containsExactlyInAnyOrderElementsOf(STRUCTS);
    for (String name : STRUCTS) {
      Oracle expected = llvmDwarfdump(bin, name);
      DwarfStruct s = found.get(name);
      assertThat(s.byteSize()).as("byte size of %s", name).isEqualTo(expected.byteSize);
      assertThat(s.members()).as("members of %s", name).hasSize(expected.members.size());
      for (int i = 0; i < s.members().size(); i++) {
        DwarfMember m = s.members().get(i);
        String[] e = expected.members.get(i);
        assertThat(m.name()).isEqualTo(e[0]);
        assertThat(m.offset()).as("%s.%s", name, m.name()).isEqualTo(Long.parseLong(e[1]));
        assertThat(m.pointer()).as("%s.%s is a pointer", name, m.name())
            .isEqualTo(e[2].endsWith(" *"));
        assertThat(m.typeName()).isNotNull();
        // llvm-dwarfdump synthesizes names for pointers and arrays ("T *", "T[6]").
        if (!e[2].contains("[") && !e[2].contains(" ") && !e[2].contains("(")) {
          assertThat(m.typeName()).as("type of %s.%s", name, m.name()).isEqualTo(e[2]);
        }
      }
    }
    assertThat(found.get("runtime.g").member("goid").orElseThrow().typeName())
        .isEqualTo(t.atLeast(20) ? "uint64" : "int64");
    assertThat(found.get("runtime.g").member("m").orElseThrow().typeName())
        .isEqualTo("*runtime.m");
    // go-runtime.md: cancelCtx.err is an error up to 1.24 and an atomic.Value (an eface, not an
    // iface) from 1.25.
    assertThat(found.get("context.cancelCtx").member("err").orElseThrow().typeName())
        .isEqualTo(t.atLeast(25) ? "sync/atomic.Value" : "error");
    assertThat(dwarf.findStructs(List.of("no.such.Type"))).isEmpty();
  }

  private record Oracle(long byteSize, List<String[]> members) {}

  private static final Pattern BYTE_SIZE = Pattern.compile("DW_AT_byte_size\\s+\\((\\d+)\\)");
  private static final Pattern NAME = Pattern.compile("DW_AT_name\\s+\\(\"(.*)\"\\)");
  private static final Pattern LOCATION =
      Pattern.compile("DW_AT_data_member_location\\s+\\((\\d+)\\)");
  private static final Pattern TYPE = Pattern.compile("DW_AT_type\\s+\\(0x[0-9a-f]+ \"(.*)\"\\)");

  /** {@code llvm-dwarfdump --name=X -c}: the struct DIE and its members. */
  private static Oracle llvmDwarfdump(Path bin, String struct)
      throws IOException, InterruptedException {
    Process p = new ProcessBuilder("llvm-dwarfdump", "--name=" + struct, "-c", bin.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    // Several DIEs share the name (struct, typedef); the struct comes with its members.
    int start = out.indexOf("DW_TAG_structure_type");
    assertThat(start).as("llvm-dwarfdump finds %s", struct).isNotNegative();
    String[] dies = out.substring(start).split("\n\\s*\n");
    Matcher size = BYTE_SIZE.matcher(dies[0]);
    assertThat(size.find()).isTrue();
    List<String[]> members = new ArrayList<>();
    for (int i = 1; i < dies.length && dies[i].contains("DW_TAG_member"); i++) {
      Matcher n = NAME.matcher(dies[i]);
      Matcher l = LOCATION.matcher(dies[i]);
      Matcher ty = TYPE.matcher(dies[i]);
      assertThat(n.find() && l.find() && ty.find()).as(dies[i]).isTrue();
      members.add(new String[] {n.group(1), l.group(1), ty.group(1)});
    }
    return new Oracle(Long.parseLong(size.group(1)), members);
  }
}
