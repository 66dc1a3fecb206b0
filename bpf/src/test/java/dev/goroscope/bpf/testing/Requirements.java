package dev.goroscope.bpf.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.goroscope.bpf.BpfFeatures;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.util.Optional;

/** Loud skips for machines that truly lack BPF or a Go toolchain. */
public final class Requirements {
  private Requirements() {}

  public static void assumeReady(Toolchain go) {
    assumeTrue(BpfFeatures.isAvailable(),
        () -> "BPF probes unavailable: " + BpfFeatures.unavailabilityCause().orElse(""));
    Optional<String> why = GoToolchains.unavailability(go);
    assumeTrue(why.isEmpty(), () -> "toolchain " + go + " unavailable: " + why.orElseThrow());
  }
}
