package dev.goroscope.gobinary.offsets;

import dev.goroscope.gobinary.dwarf.DwarfMember;
import dev.goroscope.gobinary.dwarf.DwarfReader;
import dev.goroscope.gobinary.dwarf.DwarfStruct;
import dev.goroscope.gobinary.elf.ElfFile;
import java.util.Map;
import java.util.Optional;

/** Reads the {@link OffsetKeys} fields from a binary's own DWARF. */
public final class DwarfOffsets {

  private DwarfOffsets() {}

  /**
   * The offsets described by {@code elf}'s DWARF, or empty when it has no DWARF or its DWARF
   * does not describe {@code runtime.g} (then it is not usable for probes at all).
   */
  public static Optional<StructOffsets> read(ElfFile elf, int goMinor) {
    Optional<DwarfReader> dwarf = DwarfReader.open(elf);
    if (dwarf.isEmpty()) {
      return Optional.empty();
    }
    Map<String, DwarfStruct> structs = dwarf.get().findStructs(OffsetKeys.structs());
    if (!structs.containsKey("runtime.g")) {
      return Optional.empty();
    }
    StructOffsets.Builder b = StructOffsets.builder(OffsetSource.DWARF, goMinor)
        .regenerated(true)
        .origin("DWARF " + dwarf.get().version() + " of " + elf.path());
    for (OffsetKeys.Field f : OffsetKeys.FIELDS) {
      DwarfStruct s = structs.get(f.struct());
      Optional<DwarfMember> m = s == null ? Optional.empty()
          : f.member().indexOf('.') < 0 ? s.member(f.member())
          : dwarf.get().member(s, f.member());
      if (m.isPresent()) {
        b.put(f.key(), m.get().offset());
        if (m.get().pointer()) {
          b.pointer(f.key());
        }
      }
    }
    return Optional.of(b.build());
  }
}
