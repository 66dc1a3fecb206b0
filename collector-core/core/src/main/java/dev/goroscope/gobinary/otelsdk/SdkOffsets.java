package dev.goroscope.gobinary.otelsdk;

import dev.goroscope.gobinary.dwarf.DwarfMember;
import dev.goroscope.gobinary.dwarf.DwarfReader;
import dev.goroscope.gobinary.dwarf.DwarfStruct;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.offsets.OffsetSource;
import dev.goroscope.gobinary.offsets.StructOffsets;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link SdkFields} offsets of one binary: its own DWARF when it describes the SDK's types
 * (authoritative), else the {@link SdkOffsetTable} row of the SDK version it links, else none.
 */
public final class SdkOffsets {

  private SdkOffsets() {}

  /** Resolves with the built-in table. */
  public static StructOffsets resolve(ElfFile elf, OtelGoSdk sdk, int goMinor) {
    return resolve(elf, sdk, goMinor, SdkOffsetTable.builtIn());
  }

  public static StructOffsets resolve(ElfFile elf, OtelGoSdk sdk, int goMinor,
      SdkOffsetTable table) {
    Optional<StructOffsets> dwarf = fromDwarf(elf, goMinor);
    if (dwarf.isPresent()) {
      return dwarf.get();
    }
    Optional<SdkOffsetTable.Row> row = sdk.version().flatMap(table::row);
    if (row.isEmpty()) {
      return StructOffsets.none(goMinor, "no DWARF and no built-in offsets for the OpenTelemetry"
          + " Go SDK " + sdk.label());
    }
    StructOffsets.Builder b = StructOffsets.builder(OffsetSource.TABLE, goMinor)
        .regenerated(true)
        .origin("otel sdk " + row.get().range() + " built with " + row.get().origin());
    row.get().offsets().forEach(b::put);
    return b.build();
  }

  /** The SDK fields the binary's DWARF describes, or empty without DWARF or without the SDK. */
  public static Optional<StructOffsets> fromDwarf(ElfFile elf, int goMinor) {
    Optional<DwarfReader> dwarf = DwarfReader.open(elf);
    if (dwarf.isEmpty()) {
      return Optional.empty();
    }
    Map<String, DwarfStruct> structs = dwarf.get().findStructs(SdkFields.structs());
    if (structs.isEmpty()) {
      return Optional.empty();
    }
    StructOffsets.Builder b = StructOffsets.builder(OffsetSource.DWARF, goMinor)
        .regenerated(true)
        .origin("DWARF " + dwarf.get().version() + " of " + elf.path());
    for (SdkFields.Field f : SdkFields.FIELDS) {
      DwarfStruct s = structs.get(f.struct());
      Optional<DwarfMember> m = s == null ? Optional.empty() : s.member(f.member());
      m.ifPresent(member -> b.put(f.key(), member.offset()));
    }
    return Optional.of(b.build());
  }
}
