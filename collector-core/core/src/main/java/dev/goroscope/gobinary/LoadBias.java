package dev.goroscope.gobinary;

import dev.goroscope.GoroscopeException;
import dev.goroscope.gobinary.elf.ElfFile;
import dev.goroscope.gobinary.elf.ElfSegment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where a running process has its executable mapped, relative to the addresses in the file:
 * run-time PC = file virtual address + bias. Zero for ordinary executables; a random
 * page-aligned value for PIE builds (ASLR). PCs read from a process (g.startpc, g.gopc, stack
 * words) must have it subtracted before {@link GoBinary#resolve}; uprobes need no bias because
 * they attach at file offsets.
 */
public final class LoadBias {

  private static final long PAGE_MASK = ~0xfffL;

  private LoadBias() {}

  /**
   * The bias of {@code elf} as mapped in process {@code pid}, from {@code /proc/pid/maps}: the
   * mapping of file offset 0 of the executable against the PT_LOAD segment at file offset 0.
   *
   * @throws GoroscopeException when the process is gone or its maps cannot be read
   */
  public static long forProcess(int pid, ElfFile elf) {
    Path proc = Path.of("/proc", Integer.toString(pid));
    List<String> maps;
    String exe;
    try {
      exe = Files.readSymbolicLink(proc.resolve("exe")).toString();
      maps = Files.readAllLines(proc.resolve("maps"));
    } catch (IOException e) {
      throw new GoroscopeException("cannot read the memory map of process " + pid + ": "
          + e.getMessage() + " (run as root or as the process's user)", e);
    }
    return fromMaps(maps, exe, elf);
  }

  /** The bias from the lines of a {@code /proc/pid/maps} file and the executable's path. */
  static long fromMaps(List<String> maps, String exePath, ElfFile elf) {
    ElfSegment first = null;
    for (ElfSegment seg : elf.segments()) {
      if (seg.isLoad() && seg.offset() == 0) {
        first = seg;
        break;
      }
    }
    if (first == null) {
      throw elf.corrupt("no loadable segment at file offset 0");
    }
    String deleted = exePath + " (deleted)";
    for (String line : maps) {
      // start-end perms offset dev inode path
      String[] f = line.trim().split("\\s+", 6);
      if (f.length < 6 || !(f[5].equals(exePath) || f[5].equals(deleted))) {
        continue;
      }
      if (Long.parseUnsignedLong(f[2], 16) != 0) {
        continue;
      }
      long start = Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
      return start - (first.virtualAddress() & PAGE_MASK);
    }
    throw new GoroscopeException("the executable " + exePath
        + " is not mapped at file offset 0 in the process's memory map");
  }
}
