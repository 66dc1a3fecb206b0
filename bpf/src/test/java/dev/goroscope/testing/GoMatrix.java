package dev.goroscope.testing;

import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * The tested matrix: every supported Go minor ({@link Toolchain}) × {@link #MODES} (normal,
 * stripped, PIE). Parameterised tests take their cells from here, e.g.
 * {@code @MethodSource("dev.goroscope.testing.GoMatrix#cells")} with parameters
 * {@code (Toolchain, Mode)}, so every test covers the same matrix and a new toolchain joins
 * them all at once.
 */
public final class GoMatrix {

  /** How each toolchain builds the test programs. */
  public static final List<Mode> MODES = List.of(Mode.NORMAL, Mode.STRIPPED, Mode.PIE);

  private GoMatrix() {}

  /** Every (toolchain, mode) cell, toolchains in release order. */
  public static Stream<Arguments> cells() {
    return Arrays.stream(Toolchain.values())
        .flatMap(t -> MODES.stream().map(m -> Arguments.of(t, m)));
  }

  /** The cells of one mode, e.g. every stripped build. */
  public static Stream<Arguments> cells(Mode mode) {
    return Arrays.stream(Toolchain.values()).map(t -> Arguments.of(t, mode));
  }
}
