package dev.goroscope.bpf.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's tracing file system, which tests use to define uprobes by hand and to check that
 * none of goroscope's is left. Mounted here when it is not (scripts/setup.sh mounts it too); a
 * test that needs it fails, with the command to run, when it cannot be.
 */
public final class Tracefs {
  public static final Path ROOT = Path.of("/sys/kernel/tracing");

  private Tracefs() {}

  /** {@link #ROOT}, mounted; throws (failing the test) with the fix when it cannot be. */
  public static Path mounted() {
    Path events = ROOT.resolve("uprobe_events");
    if (!Files.exists(events)) {
      try {
        Process mount = new ProcessBuilder("mount", "-t", "tracefs", "nodev", ROOT.toString())
            .redirectErrorStream(true).start();
        String out = new String(mount.getInputStream().readAllBytes());
        if (!mount.waitFor(30, TimeUnit.SECONDS) || mount.exitValue() != 0) {
          throw new IllegalStateException("tracefs is not mounted and mounting it failed (" + out
              .trim() + "): run as root, or mount -t tracefs nodev " + ROOT);
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot run mount: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted mounting tracefs", e);
      }
    }
    if (!Files.isWritable(events)) {
      throw new IllegalStateException(events + " is not writable: run the tests as root");
    }
    return ROOT;
  }
}
