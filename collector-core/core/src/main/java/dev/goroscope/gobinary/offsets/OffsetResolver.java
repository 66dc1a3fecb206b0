package dev.goroscope.gobinary.offsets;

import dev.goroscope.gobinary.elf.ElfFile;
import java.util.Optional;

/**
 * Chooses a binary's struct offsets: its own DWARF when present (authoritative), otherwise the
 * built-in table row of its Go version, otherwise {@link OffsetSource#NONE} with every
 * required field listed by {@link StructOffsets#missing()}. Never guesses a neighbouring
 * version.
 */
public final class OffsetResolver {

  private OffsetResolver() {}

  /** Resolves with the built-in table; {@code goVersion} as in .go.buildinfo ({@code go1.26.8}). */
  public static StructOffsets resolve(ElfFile elf, String goVersion) {
    return resolve(elf, goVersion, OffsetTable.builtIn());
  }

  public static StructOffsets resolve(ElfFile elf, String goVersion, OffsetTable table) {
    int minor = GoVersions.minor(goVersion);
    Optional<StructOffsets> fromDwarf = DwarfOffsets.read(elf, minor);
    if (fromDwarf.isPresent()) {
      return fromDwarf.get();
    }
    return table.row(minor).orElseGet(() -> StructOffsets.none(minor,
        "no DWARF and no built-in offsets for " + (minor < 0 ? "Go version " + goVersion
            : "go" + GoVersions.label(minor))));
  }
}
