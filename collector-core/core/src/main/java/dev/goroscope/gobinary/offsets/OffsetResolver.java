package dev.goroscope.gobinary.offsets;

import dev.goroscope.gobinary.GoVersion;
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

  /** Resolves with the built-in table. */
  public static StructOffsets resolve(ElfFile elf, GoVersion version) {
    return resolve(elf, version, OffsetTable.builtIn());
  }

  public static StructOffsets resolve(ElfFile elf, GoVersion version, OffsetTable table) {
    int minor = version.minor();
    Optional<StructOffsets> fromDwarf = DwarfOffsets.read(elf, minor);
    if (fromDwarf.isPresent()) {
      return fromDwarf.get();
    }
    return table.row(version).orElseGet(() -> StructOffsets.none(minor,
        "no DWARF and no built-in offsets for " + (version.isKnown() ? version.release()
            : "Go version " + version.raw())));
  }
}
