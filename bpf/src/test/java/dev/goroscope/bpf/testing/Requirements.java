package dev.goroscope.bpf.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.goroscope.bpf.BpfFeatures;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Toolchain;

/**
 * What a probe test needs: BPF (a loud skip on a machine that truly lacks it) and the Go
 * toolchain (a failure naming the fix when it is missing: scripts/setup.sh installs every one).
 */
public final class Requirements {
  private Requirements() {}

  public static void assumeReady(Toolchain go) {
    assumeTrue(BpfFeatures.isAvailable(),
        () -> "BPF probes unavailable: " + BpfFeatures.unavailabilityCause().orElse(""));
    GoToolchains.version(go); // fails with the install hint when the toolchain is missing
  }
}
