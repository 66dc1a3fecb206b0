package dev.goroscope.record;

import java.util.Objects;

/**
 * The target process a record came from; becomes the OpenTelemetry resource.
 *
 * @param pid the process id
 * @param executablePath absolute path of the executable
 * @param goVersion e.g. {@code go1.26.8}
 * @param modulePath the main module path, or empty when the binary has none
 */
public record ProcessInfo(int pid, String executablePath, String goVersion, String modulePath) {

  public ProcessInfo {
    Objects.requireNonNull(executablePath, "executablePath");
    Objects.requireNonNull(goVersion, "goVersion");
    Objects.requireNonNull(modulePath, "modulePath");
  }

  /** The executable's file name, e.g. {@code http-deadline}. */
  public String executableName() {
    int slash = executablePath.lastIndexOf('/');
    return slash < 0 ? executablePath : executablePath.substring(slash + 1);
  }
}
