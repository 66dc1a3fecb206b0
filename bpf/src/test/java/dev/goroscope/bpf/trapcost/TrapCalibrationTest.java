package dev.goroscope.bpf.trapcost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.goroscope.bpf.BpfFeatures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The trap-cost calibration with a real uprobe on this JVM's libc: every probed call is
 * counted by the BPF program (so the probe really fired, once per call), and a hit costs
 * something plausible — more than nothing, less than a millisecond (7–17 µs on the machines we
 * test on). The maps parsing that finds the probed file and offset, on fixed lines.
 */
class TrapCalibrationTest {

  @Test
  void everyProbedCallTrapsAndCostsTime() {
    assumeTrue(BpfFeatures.isAvailable(),
        () -> "BPF probes unavailable: " + BpfFeatures.unavailabilityCause().orElse(""));
    TrapCost cost = TrapCalibration.measure(2_000, 3);

    assertThat(cost.hits()).as("one hit per probed call, no more").isEqualTo(6_000);
    assertThat(cost.nsPerHit()).isGreaterThan(100).isLessThan(1_000_000);
    assertThat(cost.plainNsPerCall()).isPositive();
    assertThat(cost.nsPerHit()).as("a trap costs more than the call itself")
        .isGreaterThan(cost.plainNsPerCall() / 10);
    assertThat(cost.site()).startsWith("getppid in /").contains("libc");
  }

  @Test
  void findsTheFileAndOffsetOfAnAddress() {
    List<String> maps = List.of(
        "7f0000000000-7f0000028000 r--p 00000000 fe:01 1234  /usr/lib/x86_64-linux-gnu/libc.so.6",
        "7f0000028000-7f00001bd000 r-xp 00028000 fe:01 1234  /usr/lib/x86_64-linux-gnu/libc.so.6",
        "7f00001bd000-7f00001c0000 rw-p 00000000 00:00 0",
        "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]");
    TrapCalibration.Site s = TrapCalibration.site(maps, 0x7f00000e1230L);
    assertThat(s.file()).isEqualTo(Path.of("/usr/lib/x86_64-linux-gnu/libc.so.6"));
    assertThat(s.offset()).isEqualTo(0xe1230L);
    assertThat(TrapCalibration.site(maps, 0x7f00001be000L)).as("anonymous").isNull();
    assertThat(TrapCalibration.site(maps, 0x7ffd00000010L)).as("not a file").isNull();
    assertThat(TrapCalibration.site(maps, 0x1000L)).isNull();
  }
}
