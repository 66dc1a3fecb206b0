package dev.goroscope.it.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.TimeUnit;

/**
 * Where and when a run happened, for the report.
 *
 * @param cpus online CPUs
 * @param cpuModel {@code model name} of /proc/cpuinfo
 * @param kernel {@code uname -r}
 * @param java the Java version running the harness (the launcher uses the same {@code java})
 * @param revision the repository's commit ({@code git describe --always --dirty})
 * @param started UTC, to the minute
 * @param loadAtStart the 1-minute load average when the run started
 */
record Machine(int cpus, String cpuModel, String kernel, String java, String revision,
    String started, String loadAtStart) {

  static Machine describe(Path repository) {
    String started = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
        .format(Instant.now().atOffset(ZoneOffset.UTC));
    return new Machine(Runtime.getRuntime().availableProcessors(), readCpuModel(),
        read("/proc/sys/kernel/osrelease"), System.getProperty("java.version"),
        revision(repository), started, loadAverage());
  }

  /** The 1-minute load average now. */
  static String loadAverage() {
    String load = read("/proc/loadavg");
    return load.isEmpty() ? "?" : load.split(" ")[0];
  }

  private static String readCpuModel() {
    for (String line : read("/proc/cpuinfo").split("\n")) {
      if (line.startsWith("model name")) {
        return line.substring(line.indexOf(':') + 1).trim();
      }
    }
    return "unknown CPU";
  }

  private static String revision(Path repository) {
    try {
      Process git = new ProcessBuilder("git", "-C", repository.toString(), "describe", "--always",
          "--dirty").redirectErrorStream(true).start();
      String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      return git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "unknown";
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "unknown";
    }
  }

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path)).trim();
    } catch (IOException e) {
      return "";
    }
  }
}
