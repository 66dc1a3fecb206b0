package dev.goroscope.process;

import dev.goroscope.GoroscopeException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a live process's memory through {@code /proc/PID/mem}: bulk state (the goroutine list)
 * is read here instead of trapping on every change. Reads race with the running program, so
 * callers treat what they read as a snapshot that may be slightly torn.
 */
public final class ProcessMemory implements AutoCloseable {

  private final int pid;
  private final FileChannel channel;
  private final ByteBuffer word = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

  private ProcessMemory(int pid, FileChannel channel) {
    this.pid = pid;
    this.channel = channel;
  }

  public static ProcessMemory open(int pid) {
    try {
      return new ProcessMemory(
          pid, FileChannel.open(Path.of("/proc/" + pid + "/mem"), StandardOpenOption.READ));
    } catch (java.nio.file.NoSuchFileException e) {
      throw new GoroscopeException("no process with pid " + pid);
    } catch (IOException | SecurityException e) {
      throw new GoroscopeException(
          "cannot open /proc/" + pid + "/mem (" + e.getMessage() + "): run goroscope as root or"
              + " with CAP_SYS_PTRACE");
    }
  }

  /** Reads {@code dst.remaining()} bytes at {@code address}; false if unmapped or gone. */
  public boolean read(long address, ByteBuffer dst) {
    try {
      long pos = address;
      while (dst.hasRemaining()) {
        int n = channel.read(dst, pos);
        if (n <= 0) {
          return false;
        }
        pos += n;
      }
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Reads one little-endian 64-bit word; {@code fallback} if it cannot be read. */
  public long readLong(long address, long fallback) {
    word.clear();
    return read(address, word) ? word.getLong(0) : fallback;
  }

  public int pid() {
    return pid;
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing useful to do: the descriptor is gone either way.
    }
  }
}
