package dev.goroscope.gobinary.dwarf;

/**
 * One member of a struct type.
 *
 * @param name the field name ({@code goid}, or the type name for embedded fields such as
 *     {@code cancelCtx})
 * @param offset DW_AT_data_member_location in bytes
 * @param typeName the name of the member's type ({@code *context.cancelCtx}, {@code uint64}),
 *     or {@code null} when it could not be resolved
 * @param pointer true when the member's type is a DW_TAG_pointer_type
 */
public record DwarfMember(String name, long offset, String typeName, boolean pointer) {}
