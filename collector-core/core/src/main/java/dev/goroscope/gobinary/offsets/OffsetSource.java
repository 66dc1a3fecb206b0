package dev.goroscope.gobinary.offsets;

/** Where a binary's struct offsets came from. */
public enum OffsetSource {
  /** The binary's own DWARF (authoritative). */
  DWARF,
  /** The built-in table, keyed by the binary's Go minor version (stripped binaries). */
  TABLE,
  /** Neither: no DWARF and a Go version the table does not know. */
  NONE;

  /** Lower-case spelling for JSON and messages ("dwarf", "table", "none"). */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
