package dev.goroscope.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds every process running one executable ({@code --exe}), and the new ones on each later
 * {@link #poll()}. A process matches when its {@code /proc/PID/exe} is the same file (device and
 * inode), so symlinks, hard links and relative paths all match.
 */
public final class ExecutableWatcher {

  private final Path executable;
  private final Object fileKey;
  private final Set<String> seen = new HashSet<>();

  public ExecutableWatcher(Path executable) throws IOException {
    this.executable = executable.toAbsolutePath();
    this.fileKey = Files.readAttributes(executable, BasicFileAttributes.class).fileKey();
  }

  public Path executable() {
    return executable;
  }

  /**
   * Processes running the executable that earlier polls did not return. Only the processes of
   * this listing are remembered, so memory follows what runs, not everything that ever ran.
   */
  public List<TargetProcess> poll() {
    List<TargetProcess> fresh = new ArrayList<>();
    Set<String> running = new HashSet<>();
    try (Stream<Path> entries = Files.list(TargetProcess.PROC)) {
      for (Path dir : (Iterable<Path>) entries::iterator) {
        String name = dir.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        int pid = Integer.parseInt(name);
        if (!matches(dir.resolve("exe"))) {
          continue;
        }
        long start = TargetProcess.startTime(pid);
        if (start < 0) {
          continue;
        }
        String key = pid + "@" + start;
        running.add(key);
        if (seen.add(key)) {
          try {
            fresh.add(TargetProcess.of(pid));
          } catch (RuntimeException gone) {
            // Exited between the listing and the lookup: nothing to watch.
          }
        }
      }
    } catch (IOException e) {
      return fresh; // keep what was seen: a failed listing says nothing about who ended
    }
    seen.retainAll(running);
    return fresh;
  }

  /** Processes remembered from the last listing (for tests of the bound). */
  int remembered() {
    return seen.size();
  }

  private boolean matches(Path exeLink) {
    try {
      return fileKey != null
          && fileKey.equals(Files.readAttributes(exeLink, BasicFileAttributes.class).fileKey());
    } catch (IOException | SecurityException e) {
      return false;
    }
  }
}
