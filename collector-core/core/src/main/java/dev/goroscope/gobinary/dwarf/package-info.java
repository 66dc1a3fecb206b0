/**
 * A small, hardened DWARF reader: just enough of .debug_abbrev/.debug_info (DWARF 2–5, the
 * forms Go's linker and other producers emit, string forms through .debug_str,
 * .debug_line_str and .debug_str_offsets) to find struct types by name and read their member
 * offsets and sizes. Corrupted input fails with {@link
 * dev.goroscope.gobinary.BinaryFormatException} within bounded time and memory.
 */
package dev.goroscope.gobinary.dwarf;
