package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcessProbesTest {

  @Test
  void theWakeupThresholdIsAtMostAQuarterOfTheRing() {
    long planned = GoTargetPlanner.WAKEUP_BYTES;
    assertThat(ProcessProbes.wakeupBytes(planned, 4 << 20)).isEqualTo(64 * 1024);
    assertThat(ProcessProbes.wakeupBytes(planned, 256 * 1024)).isEqualTo(64 * 1024);
    assertThat(ProcessProbes.wakeupBytes(planned, 64 * 1024)).isEqualTo(16 * 1024);
    assertThat(ProcessProbes.wakeupBytes(planned, 4096)).isEqualTo(1024);
  }
}
