package dev.goroscope.gobinary.dwarf;

/**
 * One member of a struct type.
 *
 * @param name the field name ({@code goid}, or the type name for embedded fields such as
 *     {@code cancelCtx}); for a nested member found by {@link DwarfReader#member} the dotted
 *     path, e.g. {@code sched.sp}
 * @param offset DW_AT_data_member_location in bytes (for a nested member: from the start of the
 *     outermost struct)
 * @param typeName the name of the member's type ({@code *context.cancelCtx}, {@code uint64}),
 *     or {@code null} when it could not be resolved
 * @param pointer true when the member's type is a DW_TAG_pointer_type
 * @param typeOffset the .debug_info offset of the member's type entry, or -1 when unknown; lets
 *     {@link DwarfReader#member} descend into nested structs
 */
public record DwarfMember(
    String name, long offset, String typeName, boolean pointer, long typeOffset) {

  /** A member whose type entry is not known (synthetic data, tests). */
  public DwarfMember(String name, long offset, String typeName, boolean pointer) {
    this(name, offset, typeName, pointer, -1);
  }
}
