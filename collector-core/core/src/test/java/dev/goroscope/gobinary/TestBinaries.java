package dev.goroscope.gobinary;

import dev.goroscope.testing.GoMatrix;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The probe program built with every toolchain in every mode of the matrix. */
public final class TestBinaries {

  /** One built binary and how it was built. */
  public record Built(Toolchain toolchain, Mode mode, Path path) {
    /** The normal build of the same source with the same toolchain. */
    public Path twin() {
      return GoToolchains.build(GoToolchains.probeProgram(), toolchain, Mode.NORMAL);
    }

    @Override
    public String toString() {
      return toolchain.release() + "-" + mode.name().toLowerCase(Locale.ROOT);
    }
  }

  private TestBinaries() {}

  /** Every Go minor 1.19–1.27 × normal, stripped and PIE ({@link GoMatrix}). */
  public static List<Built> all() {
    return of(GoMatrix.MODES.toArray(Mode[]::new));
  }

  /** Every toolchain's build in each of {@code modes}. */
  public static List<Built> of(Mode... modes) {
    List<Built> out = new ArrayList<>();
    for (Toolchain tc : Toolchain.values()) {
      for (Mode mode : modes) {
        out.add(new Built(tc, mode, GoToolchains.build(GoToolchains.probeProgram(), tc, mode)));
      }
    }
    return out;
  }
}
