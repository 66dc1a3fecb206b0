package dev.goroscope.it.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The kernel's own account of the BPF programs a process holds open: the sum of {@code
 * run_time_ns} and {@code run_cnt} over the program descriptors in {@code /proc/PID/fdinfo}. The
 * kernel counts only while its statistics are on ({@link BpfStats}).
 *
 * @param runTimeNs time inside the programs (on the traced process's threads)
 * @param runs program runs
 */
record BpfProgramTime(long runTimeNs, long runs) {
  static final BpfProgramTime ZERO = new BpfProgramTime(0, 0);

  /** The programs {@code pid} holds open now. */
  static BpfProgramTime of(long pid) {
    BpfProgramTime sum = ZERO;
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid),
        "fdinfo"))) {
      for (Path fd : fds) {
        try {
          sum = sum.plus(parse(Files.readString(fd)));
        } catch (NoSuchFileException e) {
          // closed while listed
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("read the BPF program time of pid " + pid + ": "
          + e.getMessage(), e);
    }
    return sum;
  }

  /** One descriptor's fdinfo: its program's counters, or zero for any other kind of file. */
  static BpfProgramTime parse(String fdinfo) {
    if (!fdinfo.contains("\nprog_type:") && !fdinfo.startsWith("prog_type:")) {
      return ZERO;
    }
    return new BpfProgramTime(field(fdinfo, "run_time_ns"), field(fdinfo, "run_cnt"));
  }

  BpfProgramTime plus(BpfProgramTime o) {
    return new BpfProgramTime(runTimeNs + o.runTimeNs, runs + o.runs);
  }

  /** What ran between {@code earlier} (of the same process) and this reading. */
  BpfProgramTime since(BpfProgramTime earlier) {
    return new BpfProgramTime(runTimeNs - earlier.runTimeNs, runs - earlier.runs);
  }

  private static long field(String fdinfo, String name) {
    for (String line : fdinfo.split("\n")) {
      if (line.startsWith(name + ":")) {
        return Long.parseLong(line.substring(name.length() + 1).trim());
      }
    }
    return 0; // a kernel without run-time statistics
  }
}
