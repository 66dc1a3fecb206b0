package dev.goroscope.gobinary;

import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The probe program built with every toolchain and mode the inspector tests cover. */
public final class TestBinaries {

  /** One built binary and how it was built. */
  public record Built(Toolchain toolchain, Mode mode, Path path) {
    public Path twin() {
      return GoToolchains.build(GoToolchains.probeProgram(), toolchain, Mode.NORMAL);
    }

    @Override
    public String toString() {
      return toolchain.release() + "-" + mode.name().toLowerCase();
    }
  }

  private TestBinaries() {}

  /** The six binaries of the issue (three toolchains, normal and stripped) plus PIE builds. */
  public static List<Built> all() {
    List<Built> out = new ArrayList<>(sixBinaries());
    for (Toolchain tc : List.of(Toolchain.GO_1_26, Toolchain.GO_1_19)) {
      out.add(new Built(tc, Mode.PIE, GoToolchains.build(GoToolchains.probeProgram(), tc,
          Mode.PIE)));
    }
    return out;
  }

  /** Those of {@link #all()} built in {@code mode}. */
  public static List<Built> only(Mode mode) {
    return all().stream().filter(b -> b.mode() == mode).toList();
  }

  /** Those of {@link #all()} not built in {@code mode}. */
  public static List<Built> allBut(Mode mode) {
    return all().stream().filter(b -> b.mode() != mode).toList();
  }

  /** Go 1.19, 1.26 and 1.27, each normal and stripped. */
  public static List<Built> sixBinaries() {
    List<Built> out = new ArrayList<>();
    for (Toolchain tc : Toolchain.values()) {
      for (Mode mode : List.of(Mode.NORMAL, Mode.STRIPPED)) {
        out.add(new Built(tc, mode, GoToolchains.build(GoToolchains.probeProgram(), tc, mode)));
      }
    }
    return out;
  }
}
