package dev.goroscope.bpf.link;

import dev.goroscope.bpf.BpfProgram;
import dev.goroscope.bpf.internal.BpfCalls;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A uprobe: one program attached at one instruction of one executable, for one process.
 *
 * <p>The kernel installs the breakpoint only in the given process, so other processes running
 * the same executable never trap. The link is a file descriptor of this process: it detaches
 * on {@link #close()} and also when this process dies, however it dies. Plain uprobes only:
 * return probes (uretprobes) rewrite the return address on the stack, which Go's moving
 * stacks do not survive; probe the function's RET instructions instead.
 */
public final class UprobeLink implements AutoCloseable {
  private final String program;
  private final int pid;
  private final Path binary;
  private final long fileOffset;
  private final long handle;
  private final AtomicBoolean closed = new AtomicBoolean();

  private UprobeLink(String program, int pid, Path binary, long fileOffset, long handle) {
    this.program = program;
    this.pid = pid;
    this.binary = binary;
    this.fileOffset = fileOffset;
    this.handle = handle;
  }

  /**
   * Attaches {@code program} (of a loaded object) at a file offset of {@code binary}.
   *
   * @param pid the only process to trap in (must be positive)
   * @param binary the executable as the target maps it (e.g. {@code /proc/PID/exe} resolved)
   * @param fileOffset byte offset in the file of an instruction boundary:
   *     {@code vaddr - p_vaddr + p_offset} of the executable PT_LOAD segment. An offset that is
   *     not an instruction boundary corrupts the target.
   * @throws dev.goroscope.bpf.BpfException when the kernel refuses (privileges, process gone…)
   */
  public static UprobeLink attach(BpfProgram program, int pid, Path binary, long fileOffset) {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be positive, got " + pid);
    }
    if (fileOffset < 0) {
      throw new IllegalArgumentException("fileOffset must not be negative, got " + fileOffset);
    }
    String operation = String.format(
        "attach uprobe %s at %s+0x%x (pid %d)", program.name(), binary, fileOffset, pid);
    long prog = program.handle(operation);
    // No bpf_cookie: each program knows what it watches, none reads one.
    long link = BpfCalls.attachUprobe(prog, pid, binary.toString(), fileOffset, 0, operation);
    return new UprobeLink(program.name(), pid, binary, fileOffset, link);
  }

  /** The program's name. */
  public String program() {
    return program;
  }

  /** The traced process. */
  public int pid() {
    return pid;
  }

  /** The probed executable. */
  public Path binary() {
    return binary;
  }

  /** The probed file offset. */
  public long fileOffset() {
    return fileOffset;
  }

  /** Detaches; idempotent. Must run before the program's object closes. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      BpfCalls.destroyLink(handle);
    }
  }

  @Override
  public String toString() {
    return String.format("UprobeLink[%s at %s+0x%x pid %d]", program, binary, fileOffset, pid);
  }
}
