package dev.goroscope.gobinary;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GoVersionTest {

  @Test
  void parsesReleasesPreReleasesAndDevelBuilds() {
    assertThat(GoVersion.parse("go1.26.8")).contains(new GoVersion(1, 26, 8, "go1.26.8"));
    assertThat(GoVersion.parse("go1.21.0")).get().extracting(GoVersion::minor).isEqualTo(21);
    assertThat(GoVersion.parse("go1.19")).get().extracting(GoVersion::patch).isEqualTo(0);
    assertThat(GoVersion.parse("go1.27rc1")).get().extracting(GoVersion::release)
        .isEqualTo("go1.27");
    assertThat(GoVersion.parse("devel go1.28-abcdef Tue Nov 3")).get()
        .extracting(GoVersion::minor).isEqualTo(28);
    assertThat(GoVersion.parse("go1.22.3 X:boringcrypto")).get()
        .extracting(GoVersion::patch).isEqualTo(3);
    assertThat(GoVersion.parse("gccgo")).isEmpty();
    assertThat(GoVersion.parse("")).isEmpty();
  }

  @Test
  void supportedRangeIsGo119ToGo127() {
    assertThat(GoVersion.parse("go1.18.10").orElseThrow().isSupported()).isFalse();
    assertThat(GoVersion.parse("go1.19").orElseThrow().isSupported()).isTrue();
    assertThat(GoVersion.parse("go1.23.4").orElseThrow().isSupported()).isTrue();
    assertThat(GoVersion.parse("go1.27.3").orElseThrow().isSupported()).isTrue();
    assertThat(GoVersion.parse("go1.28rc1").orElseThrow().isSupported()).isFalse();
    assertThat(GoVersion.parse("go2.0").orElseThrow().isSupported()).isFalse();
  }

  @Test
  void ordersByNumbers() {
    assertThat(GoVersion.parse("go1.9.1").orElseThrow())
        .isLessThan(GoVersion.parse("go1.19").orElseThrow());
    assertThat(GoVersion.parse("go1.26.10").orElseThrow())
        .isGreaterThan(GoVersion.parse("go1.26.9").orElseThrow());
    assertThat(GoVersion.parse("go1.26.8").orElseThrow().atLeast(1, 26)).isTrue();
    assertThat(GoVersion.parse("go1.26.8").orElseThrow().atLeast(1, 27)).isFalse();
  }
}
