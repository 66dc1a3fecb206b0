package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.correlate.CorrelatorConfig;
import dev.goroscope.correlate.LeakReport;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.LeakGroupRecord;
import dev.goroscope.record.SampleRecord;
import dev.goroscope.record.SampledEvents;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Sampled mode's leak groups on real programs (samples every 100 ms, a 2 s leak window, a leak
 * threshold of an hour, so only growth counts): {@code leakprog leak} leaks 20 goroutines a
 * second on one channel — one group, growing by about 40 a window, with that channel (its
 * address as the program printed it, 0 capacity, all the group's members as its senders), the
 * site of the {@code go} statement and the blocked frame; its members flagged; the pool beside
 * it not. {@code leakprog steady}, a pool whose goroutines come and go, has no group at any
 * sample. Go 1.19, 1.26 and 1.27.
 */
class SampledLeakTest {

  private static final Duration WINDOW = Duration.ofSeconds(2);

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void aLeakAtAKnownRateIsOneGrowingGroupOnItsChannel(Toolchain toolchain) {
    try (LeakProgram prog = LeakProgram.start("leak", toolchain);
        SampledRun run = SampledRun.of(prog.pid(), Duration.ofMillis(100), SampledLeakTest::rule)) {
      run.await(() -> !groups(run).isEmpty() && groups(run).get(0).count() >= 70,
          Duration.ofSeconds(90));
      AttachSummary summary = run.stop();

      LeakGroupRecord g = groups(run).get(0);
      assertThat(groups(run)).as("one group").hasSize(1);
      assertThat(g.growing()).isTrue();
      assertThat(g.reason()).isEqualTo("growing");
      assertThat(g.startFunction()).isEqualTo("main.blockedSend");
      assertThat(g.waitReason()).isEqualTo("chan send");
      assertThat(g.creationSite().function()).isEqualTo("main.leaker");
      assertThat(g.creationSite().file()).endsWith("leakprog/main.go");
      assertThat(g.topFrames()).extracting(CodeLocation::function)
          .containsExactly("main.blockedSend");
      // 20 a second: about 40 over the 2 s window (the machine may run the program late)
      assertThat(g.growth()).isBetween(15, 45);
      assertThat(g.windowNs()).isEqualTo(WINDOW.toNanos());
      assertThat(g.channel()).isNotNull();
      assertThat(g.channel().address()).isEqualTo(prog.sink());
      assertThat(g.channel().capacity()).isZero();
      assertThat(g.channel().elemType()).isEqualTo("int");
      assertThat(g.channel().waitingSenders()).isEqualTo(g.count());
      assertThat(g.channels()).isEqualTo(1);
      assertThat(g.waitsOn()).startsWith("chan 0x" + Long.toHexString(prog.sink()));

      // its members are leak candidates with the group's id; the pool's goroutines are not
      List<GoroutineRecord> members = SampledAttachTest.all(run, "main.blockedSend");
      assertThat(members).hasSizeGreaterThanOrEqualTo(g.count());
      long flagged = members.stream().filter(GoroutineRecord::leakCandidate).count();
      assertThat(flagged).isGreaterThanOrEqualTo(g.count() - 2L);
      assertThat(members.stream().filter(GoroutineRecord::leakCandidate))
          .allSatisfy(r -> assertThat(r.attributes().get(SampledEvents.LEAK_GROUP))
              .isEqualTo(g.id()));
      assertThat(SampledAttachTest.all(run, "main.worker"))
          .noneMatch(GoroutineRecord::leakCandidate);
      // and the summary lists it, with what it waits on
      LeakReport leaks = summary.leaks();
      assertThat(leaks.groups()).singleElement().satisfies(r ->
          assertThat(r.sampled().id()).isEqualTo(g.id()));
      assertThat(summary.leakLines(10)).contains(g.id() + ": growing")
          .contains("waiting on chan 0x" + Long.toHexString(prog.sink()))
          .contains("at main.blockedSend ");
    }
  }

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void aBusyPoolThatDoesNotGrowHasNoGroup(Toolchain toolchain) {
    try (LeakProgram prog = LeakProgram.start("steady", toolchain);
        SampledRun run = SampledRun.of(prog.pid(), Duration.ofMillis(100), SampledLeakTest::rule)) {
      // well past one window: 40 samples at least
      run.awaitSamples(40);
      AttachSummary summary = run.stop();

      assertThat(run.sink.samples).allSatisfy(s -> assertThat(s.leakGroups()).isEmpty());
      assertThat(run.sink.goroutines).noneMatch(GoroutineRecord::leakCandidate);
      assertThat(summary.leaks().groups()).isEmpty();
      // the pool was seen working: helpers came and went, workers waited on their channel
      assertThat(SampledAttachTest.all(run, "main.worker")).hasSize(4);
      assertThat(run.sink.finished().stream().filter(r -> r.startFunction().equals("main.helper")))
          .isNotEmpty();
    }
  }

  private static AttachConfig.Builder rule(AttachConfig.Builder b) {
    return b.setLeakWindow(WINDOW).setCorrelator(CorrelatorConfig.builder()
        .setLeakThreshold(Duration.ofHours(1)).build());
  }

  private static List<LeakGroupRecord> groups(SampledRun run) {
    List<SampleRecord> s = run.sink.samples;
    synchronized (s) {
      return s.isEmpty() ? List.of() : s.get(s.size() - 1).leakGroups();
    }
  }
}
