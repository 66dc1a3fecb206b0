package dev.goroscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

  @Test
  void parsesGoStyleDurations() {
    assertThat(DurationConverter.parse("100ms")).isEqualTo(Duration.ofMillis(100));
    assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationConverter.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
  }

  @Test
  void rejectsWithAHint() {
    assertThatThrownBy(() -> DurationConverter.parse("soon"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("e.g. 500ms, 30s, 5m");
  }
}
