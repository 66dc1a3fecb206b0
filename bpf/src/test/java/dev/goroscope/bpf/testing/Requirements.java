package dev.goroscope.bpf.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.goroscope.bpf.BpfFeatures;

/** Loud skips for machines that truly lack BPF or a Go toolchain. */
public final class Requirements {
  private Requirements() {}

  public static void assumeReady(GoToolchain go) {
    assumeTrue(BpfFeatures.isAvailable(),
        () -> "BPF probes unavailable: " + BpfFeatures.unavailabilityCause().orElse(""));
    String why = go.unavailability();
    assumeTrue(why == null, () -> "toolchain " + go + " unavailable: " + why);
  }
}
