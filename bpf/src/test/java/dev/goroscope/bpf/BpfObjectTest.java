package dev.goroscope.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.goroscope.bpf.link.UprobeLink;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BpfObjectTest {

  @BeforeEach
  void available() {
    assumeTrue(BpfFeatures.isAvailable(),
        () -> "BPF unavailable: " + BpfFeatures.unavailabilityCause().orElse(""));
  }

  @Test
  void featuresAreAvailableHereAsRoot() {
    assertThat(BpfFeatures.unavailabilityCause()).isEmpty();
    BpfFeatures.ensureAvailable();
  }

  /** Sets every constant of {@code o} to 0, as a test that only exercises loading may. */
  static BpfObject zeroConstants(BpfObject o) {
    for (String c : o.constantNames()) {
      o.setConstant(c, 0);
    }
    return o;
  }

  @Test
  void loadRefusesAnObjectWithAConstantLeftUnset() {
    try (BpfObject o = BpfObject.openResource(GoroscopeBpf.RESOURCE)) {
      assertThat(o.constantNames()).contains(GoroscopeBpf.TARGET_TGID, GoroscopeBpf.OFF_G_GOID,
          GoroscopeBpf.OFF_HCHAN_QCOUNT, GoroscopeBpf.OFF_TIME_EXT);
      for (String c : o.constantNames()) {
        if (!c.equals(GoroscopeBpf.OFF_TIME_EXT)) {
          o.setConstant(c, 0);
        }
      }
      assertThatThrownBy(o::load).isInstanceOf(IllegalStateException.class)
          .hasMessage("load goroscope.bpf.o: constants not set: off_time_ext (every volatile"
              + " const must be set before load)");
      assertThat(o.isLoaded()).isFalse();
      o.setConstant(GoroscopeBpf.OFF_TIME_EXT, 8);
      o.load();
      assertThat(o.isLoaded()).isTrue();
    }
  }

  @Test
  void loadsTheShippedObjectWithConstantsAndFindsEverything() {
    try (BpfObject o = zeroConstants(BpfObject.openResource(GoroscopeBpf.RESOURCE))) {
      o.setConstant(GoroscopeBpf.TARGET_TGID, 1).setConstant(GoroscopeBpf.WAKEUP_BYTES, 1L << 40);
      o.map(GoroscopeBpf.MAP_EVENTS).setMaxEntries(1 << 16);
      o.load();
      assertThat(o.isLoaded()).isTrue();
      for (String p : new String[] {GoroscopeBpf.PROG_NEWPROC1_RET, GoroscopeBpf.PROG_GOEXIT1_ENTRY,
          GoroscopeBpf.PROG_WITH_DEADLINE_RET, GoroscopeBpf.PROG_CANCEL_ENTRY,
          GoroscopeBpf.PROG_GOPARK_ENTRY, GoroscopeBpf.PROG_READY_ENTRY,
          GoroscopeBpf.PROG_CHANSEND_ENTRY, GoroscopeBpf.PROG_CHANRECV_ENTRY}) {
        assertThat(o.program(p).fd()).isPositive();
      }
      BpfMap events = o.map(GoroscopeBpf.MAP_EVENTS);
      assertThat(events.type()).isEqualTo(BpfMap.TYPE_RINGBUF);
      assertThat(events.maxEntries()).isEqualTo(1 << 16);
      BpfMap lost = o.map(GoroscopeBpf.MAP_LOST);
      assertThat(lost.lookupPerCpuLongs(0)).hasSize(Runtime.getRuntime().availableProcessors())
          .containsOnly(0L);
      assertThatThrownBy(() -> o.setConstant(GoroscopeBpf.TARGET_TGID, 2))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("before load");
    }
  }

  @Test
  void misuseFailsWithClearMessages() {
    BpfObject o = BpfObject.openResource(GoroscopeBpf.RESOURCE);
    try {
      assertThatThrownBy(() -> o.setConstant("no_such_const", 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no_such_const");
      assertThatThrownBy(() -> o.program("nope")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> o.map(GoroscopeBpf.MAP_EVENTS).fd())
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("not loaded");
    } finally {
      o.close();
    }
    o.close(); // idempotent
    assertThatThrownBy(() -> o.program(GoroscopeBpf.PROG_NEWPROC1_RET))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> BpfObject.openResource("dev/goroscope/bpf/missing.bpf.o"))
        .isInstanceOf(BpfException.class).hasMessageContaining("not on the classpath");
  }

  @Test
  void aFailedLoadCarriesLibbpfsLogInItsDetails() {
    try (BpfObject o = zeroConstants(BpfObject.openResource(GoroscopeBpf.RESOURCE))) {
      o.map(GoroscopeBpf.MAP_LOST).setMaxEntries(0); // the kernel refuses an empty array
      assertThatThrownBy(o::load).isInstanceOf(BpfException.class)
          .hasMessage("load bpf object goroscope.bpf.o: invalid argument (EINVAL)")
          .satisfies(e -> assertThat(((BpfException) e).details()).contains("map 'lost'"));
      assertThat(o.isLoaded()).isFalse();
    }
  }

  @Test
  void attachingToAGoneProcessSaysSo() {
    try (BpfObject o = zeroConstants(BpfObject.openResource(GoroscopeBpf.RESOURCE))) {
      o.load();
      Path self = Path.of(ProcessHandle.current().info().command().orElseThrow());
      int gone = (int) ProcessHandle.current().pid() + 3_000_000; // beyond pid_max's default
      assertThatThrownBy(() -> UprobeLink.attach(o.program(GoroscopeBpf.PROG_NEWPROC1_RET), gone,
          self, 0))
          .isInstanceOf(BpfException.class)
          .hasMessageStartingWith("attach uprobe newproc1_ret at " + self + "+0x0 (pid " + gone + ")")
          .hasMessageContaining("(ESRCH)").hasMessageEndingWith("the target process is gone")
          .satisfies(e -> assertThat(((BpfException) e).errno()).isEqualTo(3))
          .satisfies(e -> assertThat(((BpfException) e).details())
              .contains("failed to create uprobe"));
      assertThatThrownBy(() -> UprobeLink.attach(o.program(GoroscopeBpf.PROG_NEWPROC1_RET), 0,
          self, 0)).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
