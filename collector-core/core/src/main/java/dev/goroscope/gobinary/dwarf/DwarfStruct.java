package dev.goroscope.gobinary.dwarf;

import java.util.List;
import java.util.Optional;

/**
 * A struct type as DWARF describes it.
 *
 * @param name the Go type name, e.g. {@code runtime.g}
 * @param byteSize DW_AT_byte_size, or -1 when the entry has none
 * @param members the members that have a known offset, in declaration order
 */
public record DwarfStruct(String name, long byteSize, List<DwarfMember> members) {

  public DwarfStruct {
    members = List.copyOf(members);
  }

  public Optional<DwarfMember> member(String memberName) {
    for (DwarfMember m : members) {
      if (m.name().equals(memberName)) {
        return Optional.of(m);
      }
    }
    return Optional.empty();
  }
}
