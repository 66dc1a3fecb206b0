package dev.goroscope.gobinary.offsets;

import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the built-in offset table ({@code offset-table.txt}): builds {@code
 * src/test/go/offsetprobe} with every Go toolchain of this machine, reads each binary's DWARF
 * with goroscope's own reader, and adds the rows for versions with no toolchain here from the
 * reference notes, marked as documented (not regenerated). Run by {@code
 * scripts/generate-offset-table.sh}; {@code OffsetTableTest} regenerates the rows and compares.
 */
public final class OffsetTableGenerator {

  /** Where the table lives in the source tree, relative to the collector-core/core module. */
  static final Path TABLE_SOURCE =
      Paths.get("src", "main", "resources", "dev", "goroscope", "gobinary", "offsets",
          OffsetTable.RESOURCE);

  /**
   * Go 1.20–1.25 as given by shared/reference/go-runtime.md (no toolchain here to regenerate
   * them). Fields the notes do not list are left out rather than guessed. The runtime-event
   * fields (runtime.p.status/m, m.preemptoff, g.lockedm, sync.RWMutex sems) were read with Go's
   * debug/dwarf from offsetprobe built by GOTOOLCHAIN=go1.20.14 … go1.25.4 on this machine.
   */
  static final String DOCUMENTED = """
      [1.20] documented go-runtime.md
      runtime.g.m=48 pointer
      runtime.g.atomicstatus=144
      runtime.g.goid=152
      runtime.g.waitreason=176
      runtime.g.gopc=296
      runtime.g.startpc=312
      runtime.m.curg=192 pointer
      runtime.hchan.qcount=0
      runtime.hchan.dataqsiz=8
      context.timerCtx.cancelCtx=0 pointer
      context.timerCtx.deadline=16
      context.cancelCtx.Context=0
      context.cancelCtx.err=48
      time.Time.wall=0
      time.Time.ext=8
      runtime.p.status=4
      runtime.p.m=56
      runtime.m.preemptoff=248
      runtime.g.lockedm=232
      sync.RWMutex.writerSem=8
      sync.RWMutex.readerSem=12
      """
      + row121to125(21, 144, 272, 192, 56, 248, 208)
      + row121to125(22, 144, 272, 192, 56, 248, 208)
      + row121to125(23, 152, 280, 192, 48, 248, 216)
      + row121to125(24, 152, 280, 192, 48, 248, 216)
      + row121to125(25, 144, 272, 184, 48, 240, 208);

  private static String row121to125(int minor, int atomicstatus, int parentGoid, int curg,
      int pM, int preemptoff, int lockedm) {
    return "[1." + minor + "] documented go-runtime.md\n"
        + "runtime.g.m=48 pointer\n"
        + "runtime.g.atomicstatus=" + atomicstatus + "\n"
        + "runtime.g.goid=" + (atomicstatus + 8) + "\n"
        + "runtime.g.waitreason=" + (atomicstatus + 32) + "\n"
        + "runtime.g.parentGoid=" + parentGoid + "\n"
        + "runtime.g.gopc=" + (parentGoid + 8) + "\n"
        + "runtime.g.startpc=" + (parentGoid + 24) + "\n"
        + "runtime.m.curg=" + curg + " pointer\n"
        + "runtime.hchan.qcount=0\n"
        + "runtime.hchan.dataqsiz=8\n"
        + "context.timerCtx.cancelCtx=0\n"
        + "context.timerCtx.deadline=88\n"
        + "context.cancelCtx.Context=0\n"
        + "context.cancelCtx.err=48\n"
        + "time.Time.wall=0\n"
        + "time.Time.ext=8\n"
        + "runtime.p.status=4\n"
        + "runtime.p.m=" + pM + "\n"
        + "runtime.m.preemptoff=" + preemptoff + "\n"
        + "runtime.g.lockedm=" + lockedm + "\n"
        + "sync.RWMutex.writerSem=8\n"
        + "sync.RWMutex.readerSem=12\n";
  }

  private OffsetTableGenerator() {}

  /** The row of one toolchain: its probe program's DWARF, as a table row. */
  static StructOffsets regenerate(Toolchain toolchain, Path probeBinary) throws IOException {
    String version = GoToolchains.version(toolchain);
    int minor = dev.goroscope.gobinary.GoVersion.parseOrUnknown(version).minor();
    StructOffsets dwarf = DwarfOffsets.read(ElfFile.open(probeBinary), minor)
        .orElseThrow(() -> new IOException(probeBinary + " has no usable DWARF"));
    StructOffsets.Builder row = StructOffsets.builder(OffsetSource.TABLE, minor)
        .regenerated(true)
        .origin(version);
    dwarf.asMap().forEach(row::put);
    dwarf.pointerFields().forEach(row::pointer);
    return row.build();
  }

  /** Rows from the documented text plus the regenerated ones (which win on overlap). */
  static OffsetTable table(List<StructOffsets> regenerated) {
    List<StructOffsets> rows = new ArrayList<>(regenerated);
    for (StructOffsets doc : OffsetTable.parse(DOCUMENTED).rows().values()) {
      if (regenerated.stream().noneMatch(r -> r.goMinor() == doc.goMinor())) {
        rows.add(doc);
      }
    }
    return OffsetTable.of(rows);
  }

  static List<String> header() {
    return List.of(
        "goroscope built-in struct offsets (bytes, linux/amd64; arm64 has the same layouts).",
        "GENERATED by scripts/generate-offset-table.sh (OffsetTableGenerator): do not edit.",
        "'regenerated <version>': read from the DWARF of src/test/go/offsetprobe built with",
        "that toolchain here; OffsetTableTest rebuilds and compares these rows.",
        "'documented go-runtime.md': transcribed from shared/reference/go-runtime.md, NOT",
        "regenerated here (no such toolchain on this machine). A field not listed is unknown.");
  }

  /** Usage: {@code OffsetTableGenerator [output-file]} (default: the resource in the tree). */
  public static void main(String[] args) throws IOException {
    Path out = args.length > 0 ? Paths.get(args[0]) : TABLE_SOURCE;
    List<StructOffsets> rows = new ArrayList<>();
    for (Toolchain t : Toolchain.values()) {
      // GoToolchains deletes its binaries when the JVM exits
      Path bin = GoToolchains.build(offsetProbeSource(), t, Mode.NORMAL);
      StructOffsets row = regenerate(t, bin);
      System.out.println("go" + t.minor() + ": " + row.asMap());
      rows.add(row);
    }
    Files.createDirectories(out.toAbsolutePath().getParent());
    Files.writeString(out, table(rows).format(header()), StandardCharsets.UTF_8);
    System.out.println("wrote " + out.toAbsolutePath());
  }

  static Path offsetProbeSource() {
    return GoToolchains.program("offsetprobe");
  }
}
