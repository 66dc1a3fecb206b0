package dev.goroscope.otel.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ClockOffsetTest {

  @Test
  void measuredOffsetMapsNowToTheWallClock() {
    ClockOffset c = ClockOffset.measure();
    long wall = Instant.now().toEpochMilli() * 1_000_000L;
    long converted = c.toEpochNanos(c.monotonicNowNs());
    assertThat(Math.abs(converted - wall)).isLessThan(50_000_000L); // 50 ms, ms-rounded wall
    ClockOffset again = ClockOffset.measure();
    assertThat(Math.abs(again.epochMinusMonotonicNs() - c.epochMinusMonotonicNs()))
        .isLessThan(5_000_000L);
  }

  @Test
  void fixedOffsetIsExact() {
    assertThat(ClockOffset.of(1_000).toEpochNanos(5)).isEqualTo(1_005);
  }

  /**
   * The offset is only right if System.nanoTime() is CLOCK_MONOTONIC, the clock of
   * bpf_ktime_get_ns. The kernel prints its own monotonic "now" (ktime_get) in /proc/timer_list.
   */
  @Test
  void nanoTimeIsTheKernelMonotonicClock() throws IOException {
    Path timerList = Path.of("/proc/timer_list");
    assumeTrue(Files.isReadable(timerList),
        "/proc/timer_list is not readable (needs root): cannot compare with ktime_get");
    Pattern now = Pattern.compile("now at (\\d+) nsecs");
    long before = System.nanoTime();
    String text = Files.readString(timerList);
    long after = System.nanoTime();
    Matcher m = now.matcher(text);
    assertThat(m.find()).isTrue();
    long kernel = Long.parseLong(m.group(1));
    assertThat(kernel).isBetween(before, after);
  }
}
