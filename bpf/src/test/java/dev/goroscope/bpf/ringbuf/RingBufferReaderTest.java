package dev.goroscope.bpf.ringbuf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.bpf.BpfObject;
import dev.goroscope.bpf.GoroscopeBpf;
import dev.goroscope.bpf.testing.ProbeSites;
import dev.goroscope.bpf.testing.Probes;
import dev.goroscope.bpf.testing.Requirements;
import dev.goroscope.bpf.testing.Target;
import dev.goroscope.bpf.testing.TestEvent;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RingBufferReaderTest {

  @Test
  void closeUnblocksAPollWaitingForeverAndLaterPollsFail() throws Exception {
    Requirements.assumeReady(Toolchain.GO_1_26);
    try (BpfObject o = BpfObject.openResource(GoroscopeBpf.RESOURCE)) {
      o.constantNames().forEach(c -> o.setConstant(c, 0));
      o.load();
      RingBufferReader r = RingBufferReader.open(o.map(GoroscopeBpf.MAP_EVENTS));
      assertThat(r.size()).isEqualTo(4 << 20);
      assertThat(r.pending()).isZero();
      assertThat(r.poll(rec -> { }, Duration.ZERO)).isZero();
      CompletableFuture<Integer> blocked =
          CompletableFuture.supplyAsync(() -> r.poll(rec -> { }, Duration.ofSeconds(-1)));
      Thread.sleep(200);
      assertThat(blocked).isNotDone();
      r.close();
      assertThat(blocked.get(5, TimeUnit.SECONDS)).isZero();
      r.close();
      assertThatThrownBy(() -> r.poll(rec -> { }, Duration.ZERO))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
  }

  @Test
  void rejectsMapsThatAreNotRingBuffers() {
    Requirements.assumeReady(Toolchain.GO_1_26);
    try (BpfObject o = BpfObject.openResource(GoroscopeBpf.RESOURCE)) {
      o.constantNames().forEach(c -> o.setConstant(c, 0));
      o.load();
      assertThatThrownBy(() -> RingBufferReader.open(o.map(GoroscopeBpf.MAP_LOST)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a BPF ring buffer");
    }
  }

  @Test
  void recordsStayIntactWhileASmallRingWrapsManyTimes() throws Exception {
    ProbeSites sites = ProbeSites.ready(Toolchain.GO_1_26, Mode.NORMAL);
    try (Target t = Target.start(sites.binary, "-spawn", "5000")) {
      Probes.Options o = new Probes.Options();
      o.ringBytes = 4096; // ~100 records: wraps ~100 times over this workload
      o.wakeupBytes = 512;
      List<TestEvent> events;
      long lost;
      try (Probes p = new Probes(sites, t.pid(), o)) {
        assertThat(t.go().exitCode()).isZero();
        events = p.finish();
        lost = p.losses.total();
      }
      assertThat(events.size() + lost).isGreaterThanOrEqualTo(10_000);
      assertThat(events.size()).isGreaterThan(4096 / 32 * 4);
      assertThat(events).allSatisfy(e -> {
        assertThat(e.pid()).isEqualTo(t.pid());
        assertThat(e.type()).isIn(TestEvent.CREATED, TestEvent.EXITED);
        assertThat(e.a()).isPositive();
      });
      long distinctExited = events.stream().filter(e -> e.type() == TestEvent.EXITED)
          .map(TestEvent::a).distinct().count();
      assertThat(distinctExited).isEqualTo(
          events.stream().filter(e -> e.type() == TestEvent.EXITED).count());
    }
  }

  @Test
  void aRecordWhoseHandlerThrowsIsConsumedAndTheNextPollGoesOnAfterIt() throws Exception {
    ProbeSites sites = ProbeSites.ready(Toolchain.GO_1_26, Mode.NORMAL);
    try (Target t = Target.start(sites.binary, "-spawn", "500")) {
      Probes.Options o = new Probes.Options();
      o.read = false;
      o.wakeupBytes = 1L << 40;
      try (Probes p = new Probes(sites, t.pid(), o)) {
        assertThat(t.go().exitCode()).isZero();
        long waiting = p.reader.pending();
        List<TestEvent> first = new ArrayList<>();
        assertThatThrownBy(() -> p.reader.poll(r -> {
          first.add(TestEvent.decode(r));
          if (first.size() == 300) {
            throw new IllegalStateException("handler failed");
          }
        }, Duration.ZERO)).hasMessage("handler failed");
        assertThat(first).hasSize(300);
        assertThat(p.reader.pending()).isBetween(1L, waiting - 300 * 40);
        List<TestEvent> rest = new ArrayList<>();
        p.reader.poll(r -> rest.add(TestEvent.decode(r)), Duration.ZERO);
        assertThat(p.reader.pending()).isZero();
        List<TestEvent> all = new ArrayList<>(first);
        all.addAll(rest);
        assertThat(all).doesNotHaveDuplicates();
        assertThat(all.stream().filter(e -> e.type() == TestEvent.EXITED))
            .hasSizeGreaterThanOrEqualTo(500);
      }
    }
  }
}
