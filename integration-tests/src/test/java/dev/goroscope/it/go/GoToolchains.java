package dev.goroscope.it.go;

import java.util.Arrays;
import java.util.List;

/** Finds the Go toolchains of {@link GoToolchain} by release name. */
public final class GoToolchains {
  private GoToolchains() {}

  /** Every toolchain goroscope is tested with, oldest first. */
  public static List<GoToolchain> all() {
    return List.of(GoToolchain.values());
  }

  /**
   * The toolchain of a release line such as {@code "go1.27"} or {@code "1.27"}.
   *
   * @throws IllegalArgumentException for a release goroscope is not tested with
   */
  public static GoToolchain byRelease(String release) {
    String wanted = release.startsWith("go") ? release : "go" + release;
    return Arrays.stream(GoToolchain.values())
        .filter(t -> t.release().equals(wanted))
        .findFirst()
        .orElseThrow(
            () -> new IllegalArgumentException("no toolchain " + release + "; have " + all()));
  }
}
