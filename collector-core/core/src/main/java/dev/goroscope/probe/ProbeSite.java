package dev.goroscope.probe;

import java.util.List;
import java.util.Objects;

/**
 * Where uprobes may attach in one function. All offsets are file offsets in the executable (what
 * {@code bpf_program__attach_uprobe_opts} takes with no function name), each the start of a
 * real instruction as decoded by Capstone.
 *
 * @param function the Go symbol name
 * @param address the function's entry virtual address
 * @param fileOffset file offset of the entry
 * @param entryOffset file offset for an entry probe: the first instruction after the
 *     stack-check prologue (so a stack growth, which re-runs the function from its first
 *     instruction, does not fire the probe twice), or the entry when there is no prologue
 * @param returnOffsets file offsets of every RET instruction, ascending
 * @param note why {@code entryOffset} is where it is
 */
public record ProbeSite(String function, long address, long fileOffset, long entryOffset,
    List<Long> returnOffsets, String note) {

  public ProbeSite {
    Objects.requireNonNull(function, "function");
    returnOffsets = List.copyOf(returnOffsets);
    Objects.requireNonNull(note, "note");
  }

  /** True when {@link #entryOffset()} skips a stack-check prologue. */
  public boolean afterPrologue() {
    return entryOffset != fileOffset;
  }
}
