package dev.goroscope.bpf.link;

import dev.goroscope.bpf.internal.OsCalls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An executable held open by a file descriptor of this process, so that it is read and probed
 * as one file: whatever happens to the path or the process it was opened through (an exec, a
 * replaced file, a reused pid), {@link #path()} — {@code /proc/self/fd/N} — still names the same
 * inode. Probe offsets computed from what {@link #path()} reads are therefore offsets in the
 * file the uprobes attach to ({@link UprobeLink#attach} resolves the path when it attaches; the
 * kernel then holds the inode, so the descriptor may be closed afterwards).
 */
public final class PinnedExecutable implements AutoCloseable {

  private final int fd;
  private final Path path;
  private final Object fileKey;
  private final long size;
  private final long modifiedNs;
  private final AtomicBoolean closed = new AtomicBoolean();

  private PinnedExecutable(int fd, Path path, BasicFileAttributes attributes) {
    this.fd = fd;
    this.path = path;
    this.fileKey = attributes.fileKey();
    this.size = attributes.size();
    this.modifiedNs = attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
  }

  /**
   * Opens {@code executable} (e.g. {@code /proc/PID/exe}, which works across mount namespaces).
   *
   * @throws dev.goroscope.bpf.BpfException when it cannot be opened (gone, no permission)
   */
  public static PinnedExecutable open(Path executable) {
    int fd = OsCalls.openReadOnly(executable.toString(), executable.toString());
    Path path = Path.of("/proc/self/fd/" + fd);
    try {
      return new PinnedExecutable(fd, path,
          Files.readAttributes(path, BasicFileAttributes.class));
    } catch (IOException | RuntimeException e) {
      OsCalls.close(fd);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
  }

  /** {@code /proc/self/fd/N}: read the binary and attach uprobes through this path. */
  public Path path() {
    return path;
  }

  /** The file's identity (device and inode), comparable with {@link BasicFileAttributes#fileKey}. */
  public Object fileKey() {
    return fileKey;
  }

  /**
   * A key for caching what was computed from the file: device, inode, size and modification
   * time (an executable rewritten in place keeps its inode but not its mtime).
   */
  public String contentKey() {
    return fileKey + "/" + size + "/" + modifiedNs;
  }

  /** Whether {@code other} (e.g. {@code /proc/PID/exe}) is this very file now. */
  public boolean isSameFile(Path other) {
    try {
      return Objects.equals(fileKey,
          Files.readAttributes(other, BasicFileAttributes.class).fileKey());
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /** Closes the descriptor; idempotent. Uprobes attached through {@link #path()} stay. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      OsCalls.close(fd);
    }
  }

  @Override
  public String toString() {
    return "PinnedExecutable[" + path + " " + fileKey + "]";
  }
}
