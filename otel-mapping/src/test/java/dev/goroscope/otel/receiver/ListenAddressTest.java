package dev.goroscope.otel.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ListenAddressTest {

  @Test
  void aPortAloneIsLoopback() {
    assertThat(ListenAddress.parse("4317")).isEqualTo(new ListenAddress("127.0.0.1", 4317));
    assertThat(ListenAddress.parse("4317").isLoopback()).isTrue();
  }

  @Test
  void hostsAndIpv6() {
    assertThat(ListenAddress.parse("0.0.0.0:4318")).isEqualTo(new ListenAddress("0.0.0.0", 4318));
    assertThat(ListenAddress.parse("0.0.0.0:4318").isLoopback()).isFalse();
    assertThat(ListenAddress.parse("localhost:0")).isEqualTo(new ListenAddress("localhost", 0));
    assertThat(ListenAddress.parse("[::1]:4317")).isEqualTo(new ListenAddress("::1", 4317));
    assertThat(ListenAddress.parse("[::1]:4317").toString()).isEqualTo("[::1]:4317");
    assertThat(ListenAddress.parse("[::1]:4317").isLoopback()).isTrue();
  }

  @Test
  void badValuesSayWhatIsExpected() {
    for (String bad : new String[] {"", "abc", "4317x", "host:", ":4317", "70000", "::1:4317",
        "[::1]4317", "1:2:3"}) {
      assertThatThrownBy(() -> ListenAddress.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("'" + bad + "' is not [HOST:]PORT, e.g. 4317, 127.0.0.1:4317, 0.0.0.0:4317"
              + " or [::1]:4317");
    }
  }
}
