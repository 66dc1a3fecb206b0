package dev.goroscope.it.jaeger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class JaegerServerTest {

  @Test
  void missingBinaryFailsWithTheSetupCommand(@TempDir Path dir) {
    Path missing = dir.resolve("jaeger-" + JaegerServer.VERSION);
    assertThatThrownBy(() -> JaegerServer.start(missing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("scripts/setup.sh");
  }

  @Test
  void restartKeepsThePortsAndStartsEmpty() {
    try (JaegerServer jaeger = JaegerServer.start()) {
      JaegerServer.Ports ports = jaeger.ports();
      assertThat(jaeger.isRunning()).isTrue();
      assertThat(jaeger.query().services()).isEmpty();

      jaeger.stop();
      assertThat(jaeger.isRunning()).isFalse();
      assertThatThrownBy(() -> jaeger.query().services()).isInstanceOf(IllegalStateException.class);

      jaeger.restart();
      assertThat(jaeger.isRunning()).isTrue();
      assertThat(jaeger.ports()).isEqualTo(ports);
      assertThat(jaeger.query().services()).isEmpty();
      assertThat(jaeger.log()).contains("Everything is ready");
    }
  }
}
