package dev.goroscope.correlate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.event.GoroutineCreated;
import dev.goroscope.event.GoroutineExited;
import dev.goroscope.gobinary.stack.GoTraceback;
import dev.goroscope.gobinary.stack.StackFrame;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.LeakGroupRecord;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.SampleRecord;
import dev.goroscope.record.SampledEvents;
import dev.goroscope.sample.ChannelState;
import dev.goroscope.sample.ChannelWait;
import dev.goroscope.sample.GoroutineSample;
import dev.goroscope.sample.GoroutineStack;
import dev.goroscope.sample.GoroutineStatus;
import dev.goroscope.sample.ProcessSample;
import dev.goroscope.sample.SampleStats;
import dev.goroscope.sample.Unmoved;
import dev.goroscope.testing.RecordingSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sampled mode in the correlator, with synthetic samples: spans from first to last seen, waits
 * from the first to the last sample that saw them (one wait only while the sampler says the
 * goroutine did not run), a goroutine left out of a torn sample kept one more sample, precise
 * creations and exits winning over sampled times, leak groups that grow or stay blocked (and
 * none for a group that only fluctuates), and each sample's summary.
 */
class SamplingTest {

  private static final int PID = 4242;
  private static final long S = 1_000_000_000L;
  private static final long MS = 1_000_000L;
  private static final GoTraceback GO126 = GoTraceback.forGoMinor(26);
  private static final StackFrame GO_STMT =
      new StackFrame("main.main", "/src/main.go", 20, 0x401000, 0x400f00, false, 0);
  private static final StackFrame OTHER_GO_STMT =
      new StackFrame("main.main", "/src/main.go", 30, 0x402000, 0x400f00, false, 0);
  private static final GoroutineStack SEND_STACK = stack("main.leaker", 44);
  private static final GoroutineStack RECV_STACK = stack("main.worker", 55);
  private static final ChannelState FULL =
      new ChannelState(0xc000010000L, "main.job", 16, 3, 3, false, 4, 0, true);
  private static final ChannelState JOBS =
      new ChannelState(0xc000020000L, "int", 8, 8, 0, false, 0, 2, true);

  private RecordingSink sink;
  private Correlator correlator;

  SamplingTest() {
    withLeakThreshold(Duration.ofHours(1));
  }

  /** A fresh correlator and sink. */
  private void withLeakThreshold(Duration threshold) {
    sink = new RecordingSink();
    correlator = Correlator.builder(sink).setConfig(CorrelatorConfig.builder()
        .setReorderWindow(Duration.ofMillis(1)).setLeakThreshold(threshold)
        .setPartialFlushInterval(Duration.ofHours(1)).build()).build();
    correlator.processStarted(new ProcessInfo(PID, "/bin/prog", "go1.26.8", "example.com/p"),
        NAMES, 0, false);
  }

  @Test
  void spansRunFromFirstToLastSeenAndWaitsFromFirstToLastSample() {
    List<GoroutineSample> all = List.of(running(10), waiting(11, "chan receive", RECV_STACK,
        JOBS, ChannelWait.Direction.RECEIVE));
    sample(1 * S, all, false);
    sample(2 * S, all, true);
    sample(3 * S, all, true);
    sample(4 * S, List.of(all.get(1)), true); // 10 is gone
    correlator.close();

    GoroutineRecord gone = sink.finished(10);
    assertThat(gone.startNs()).isEqualTo(1 * S);
    assertThat(gone.endNs()).as("last seen").isEqualTo(3 * S);
    assertThat(gone.state()).isEqualTo(GoroutineState.EXITED);
    assertThat(gone.attributes().get(SampledEvents.SAMPLED)).isTrue();
    assertThat(gone.attributes().get(SampledEvents.SAMPLE_INTERVAL_MS)).isEqualTo(1000L);
    assertThat(gone.attributes().get(SampledEvents.SAMPLE_COUNT)).isEqualTo(3L);
    assertThat(gone.attributes().get(SampledEvents.END_PRECISE)).isNull();
    assertThat(gone.attributes().get(SampledEvents.START_PRECISE)).isNull();
    assertThat(gone.events()).isEmpty();

    GoroutineRecord waiter = sink.lastPartial(11);
    assertThat(waiter.state()).isEqualTo(GoroutineState.WAITING);
    assertThat(waiter.waitReason()).isEqualTo("chan receive");
    assertThat(waiter.stack()).extracting(CodeLocation::function).containsExactly("main.worker");
    assertThat(waiter.events()).singleElement().satisfies(e -> {
      assertThat(e.name()).isEqualTo(SampledEvents.WAIT);
      assertThat(e.timestampNs()).isEqualTo(1 * S);
      assertThat(e.attributes().get(SampledEvents.WAIT_DURATION_NS)).isEqualTo(3 * S);
      assertThat(e.attributes().get(SampledEvents.WAIT_SAMPLES)).isEqualTo(4L);
      assertThat(e.attributes().get(SampledEvents.WAIT_OPEN)).isTrue();
      assertThat(e.attributes().get(SampledEvents.CHANNEL)).isEqualTo(JOBS.address());
      assertThat(e.attributes().get(SampledEvents.CHANNEL_CAPACITY)).isEqualTo(8L);
      assertThat(e.attributes().get(SampledEvents.CHANNEL_WAITING_RECEIVERS)).isEqualTo(2L);
      assertThat(e.attributes().get(SampledEvents.CHANNEL_DIRECTION))
          .isEqualTo(SampledEvents.RECEIVE);
    });
    assertThat(waiter.attributes().get(SampledEvents.BLOCKED_NS)).isEqualTo(3 * S);
    assertThat(waiter.attributes().get(SampledEvents.CHANNEL)).isEqualTo(JOBS.address());
  }

  @Test
  void aGoroutineThatRanBetweenSamplesStartsANewWait() {
    GoroutineSample w = waiting(11, "chan receive", RECV_STACK, JOBS,
        ChannelWait.Direction.RECEIVE);
    sample(1 * S, List.of(w), false);
    sample(2 * S, List.of(copy(w)), false); // same place, but the sampler says it ran
    sample(3 * S, List.of(running(11)), false);
    correlator.close();

    List<GoroutineEvent> waits = sink.lastPartial(11).events();
    assertThat(waits).hasSize(2).allSatisfy(e -> {
      assertThat(e.attributes().get(SampledEvents.WAIT_DURATION_NS)).isZero();
      assertThat(e.attributes().get(SampledEvents.WAIT_OPEN)).isNull();
    });
    assertThat(waits).extracting(GoroutineEvent::timestampNs).containsExactly(1 * S, 2 * S);
    assertThat(sink.lastPartial(11).state()).isEqualTo(GoroutineState.RUNNING);
  }

  @Test
  void withoutRunInformationTheSameStackAndReasonContinueAWait() {
    GoroutineSample w = waiting(11, "chan receive", RECV_STACK, JOBS,
        ChannelWait.Direction.RECEIVE);
    sampleUnknown(1 * S, List.of(w));
    sampleUnknown(2 * S, List.of(copy(w)));
    correlator.close();

    assertThat(sink.lastPartial(11).events()).singleElement().satisfies(e ->
        assertThat(e.attributes().get(SampledEvents.WAIT_DURATION_NS)).isEqualTo(1 * S));
  }

  @Test
  void aGoroutineLeftOutOfATornSampleGetsOneMoreSample() {
    sample(1 * S, List.of(running(10), running(12)), false);
    sample(2 * S, List.of(running(12)), false, 1); // 10 may be the one left out
    assertThat(sink.finished()).isEmpty();
    sample(3 * S, List.of(running(12)), false);
    correlator.close();

    assertThat(sink.finished(10).endNs()).isEqualTo(1 * S);
  }

  @Test
  void preciseCreationsAndExitsWinOverSampledTimes() {
    // a burst saw 20 created by 10 before any sample, and sees it exit
    sample(1 * S, List.of(running(10)), false);
    correlator.accept(new GoroutineCreated(1500 * MS, PID, 1, 0, 20, 10, 0x401000, 0x500000));
    sample(2 * S, List.of(running(10), running(20), running(21)), false);
    // 21 was read by the sample that began at 2 s, while it was being created at 2.01 s
    correlator.accept(new GoroutineCreated(2010 * MS, PID, 1, 0, 21, 10, 0x401000, 0x500000));
    correlator.accept(new GoroutineExited(2500 * MS, PID, 1, 0, 20));
    sample(3 * S, List.of(running(10), running(21)), false);
    correlator.close();

    GoroutineRecord precise = sink.finished(20);
    assertThat(precise.startNs()).isEqualTo(1500 * MS);
    assertThat(precise.endNs()).isEqualTo(2500 * MS);
    assertThat(precise.parentGoid()).isEqualTo(10);
    assertThat(precise.attributes().get(SampledEvents.START_PRECISE)).isTrue();
    assertThat(precise.attributes().get(SampledEvents.END_PRECISE)).isTrue();
    assertThat(precise.attributes().get(SampledEvents.SAMPLE_COUNT)).isEqualTo(1L);

    GoroutineRecord completed = sink.lastPartial(21);
    assertThat(completed.startNs()).as("the creation's time, not the sample's")
        .isEqualTo(2010 * MS);
    assertThat(completed.attributes().get(SampledEvents.START_PRECISE)).isTrue();
    assertThat(sink.lastPartial(10).attributes().get(SampledEvents.START_PRECISE)).isNull();
  }

  @Test
  void aGroupThatKeepsGrowingIsALeakCandidateWithItsChannel() {
    List<GoroutineSample> live = new ArrayList<>();
    long goid = 100;
    for (int i = 0; i <= 30; i++) { // 3 s of samples every 100 ms, one leak each
      live.add(waiting(goid++, "chan send", SEND_STACK, FULL, ChannelWait.Direction.SEND));
      List<GoroutineSample> now = new ArrayList<>(live);
      // a pool that fluctuates: 3 workers, plus 2 short-lived ones every other sample
      for (int w = 0; w < 3; w++) {
        now.add(waiting(1000 + w, "chan receive", RECV_STACK, JOBS,
            ChannelWait.Direction.RECEIVE, OTHER_GO_STMT));
      }
      if (i % 2 == 1) {
        for (int w = 0; w < 2; w++) {
          now.add(waiting(2000 + 2 * i + w, "chan receive", RECV_STACK, JOBS,
              ChannelWait.Direction.RECEIVE, OTHER_GO_STMT));
        }
      }
      sample(i * 100 * MS, now, true, 0, Duration.ofSeconds(2));
    }
    correlator.advanceTo(10 * S);

    SampleRecord last = sink.samples.get(sink.samples.size() - 1);
    assertThat(last.leakGroups()).singleElement().satisfies(g -> {
      assertThat(g.growing()).isTrue();
      assertThat(g.blocked()).isZero();
      assertThat(g.count()).isEqualTo(31);
      assertThat(g.growth()).isEqualTo(20); // one per sample over the 2 s window
      assertThat(g.waitReason()).isEqualTo("chan send");
      assertThat(g.creationSite()).isEqualTo(new CodeLocation("main.main", "/src/main.go", 20));
      assertThat(g.topFrames()).extracting(CodeLocation::function).containsExactly("main.leaker");
      assertThat(g.channel().address()).isEqualTo(FULL.address());
      assertThat(g.channel().waitingSenders()).isEqualTo(4);
      assertThat(g.channels()).isEqualTo(1);
      assertThat(g.exampleGoids()).startsWith(100L, 101L);
      assertThat(g.id()).matches("lg-[0-9a-f]{8}");
    });
    // before a whole window was sampled, nothing can be said to grow
    assertThat(sink.samples.get(15).leakGroups()).isEmpty();
    // the members are flagged, with the group's id; the pool's workers are not
    correlator.flushPartial();
    GoroutineRecord member = sink.lastPartial(100);
    assertThat(member.leakCandidate()).isTrue();
    assertThat(member.attributes().get(SampledEvents.LEAK_GROUP))
        .isEqualTo(last.leakGroups().get(0).id());
    assertThat(member.attributes().get(SampledEvents.LEAK_REASON)).isEqualTo("growing");
    assertThat(sink.lastPartial(1000).leakCandidate()).isFalse();
    assertThat(correlator.leakReport().groups()).singleElement()
        .satisfies(g -> assertThat(g.sampled()).isEqualTo(last.leakGroups().get(0)));
    assertThat(correlator.growingLeakGroups(PID)).isEqualTo(1);
  }

  @Test
  void aPoolWhoseIdleWorkersKeepRunningIsNotALeakEvenWhileItsCountRises() {
    // 2, then 3, then 4 workers waiting for jobs, but every one of them ran between samples
    for (int i = 0; i <= 30; i++) {
      List<GoroutineSample> now = new ArrayList<>();
      for (int w = 0; w < 2 + i / 10; w++) {
        now.add(waiting(1000 + w, "chan receive", RECV_STACK, JOBS,
            ChannelWait.Direction.RECEIVE, OTHER_GO_STMT));
      }
      sample(i * 100 * MS, now, false, 0, Duration.ofSeconds(2));
    }
    correlator.advanceTo(10 * S);

    assertThat(sink.samples).allSatisfy(s -> assertThat(s.leakGroups()).isEmpty());
  }

  @Test
  void membersBlockedPastTheThresholdAreCandidatesAndRunnersAreNot() {
    withLeakThreshold(Duration.ofMillis(500));
    SamplingTest t = this;
    GoroutineSample stuck = waiting(30, "sync.Mutex.Lock", stack("main.locker", 12), null,
        null);
    for (int i = 0; i <= 10; i++) {
      GoroutineSample busy = waiting(31, "sync.Mutex.Lock", stack("main.locker", 12), null,
          null);
      t.sample(i * 100 * MS, List.of(stuck, busy), i > 0, 0, Duration.ofSeconds(30), 1);
    }
    t.correlator.advanceTo(10 * S);

    assertThat(t.sink.samples.get(3).leakGroups()).isEmpty();
    LeakGroupRecord g = t.sink.samples.get(10).leakGroups().get(0);
    assertThat(g.growing()).isFalse();
    assertThat(g.count()).isEqualTo(2);
    assertThat(g.blocked()).isEqualTo(1);
    assertThat(g.reason()).isEqualTo("blocked");
    assertThat(g.semaphore()).isEqualTo(0x5b10dcL);
    assertThat(g.exampleGoids()).startsWith(30L);
    t.correlator.flushPartial();
    assertThat(t.sink.lastPartial(30).leakCandidate()).isTrue();
    assertThat(t.sink.lastPartial(30).attributes().get(SampledEvents.LEAK_REASON))
        .isEqualTo("blocked");
    assertThat(t.sink.lastPartial(31).leakCandidate()).as("it ran between every two samples")
        .isFalse();
  }

  @Test
  void eachSampleIsSummedUp() {
    List<GoroutineSample> all = List.of(running(10),
        waiting(11, "chan receive", RECV_STACK, JOBS, ChannelWait.Direction.RECEIVE),
        waiting(12, "chan receive", RECV_STACK, JOBS, ChannelWait.Direction.RECEIVE),
        syscall(13));
    sample(1 * S, all, false);
    sample(2 * S, all, true);
    correlator.advanceTo(10 * S);

    SampleRecord s = sink.samples.get(1);
    assertThat(s.pid()).isEqualTo(PID);
    assertThat(s.timestampNs()).isEqualTo(2 * S);
    assertThat(s.goroutines()).isEqualTo(4);
    assertThat(s.byStatus()).containsEntry("running", 1).containsEntry("waiting", 2)
        .containsEntry("syscall", 1);
    assertThat(s.byWaitReason()).containsExactlyEntriesOf(java.util.Map.of("chan receive", 2));
    assertThat(s.blockedNs()).containsEntry("chan receive", 2 * S).containsEntry("syscall", S);
    assertThat(s.bySite()).singleElement().satisfies(c -> assertThat(c.count()).isEqualTo(4));
    assertThat(sink.samples.get(0).blockedNs()).isEmpty();
  }

  @Test
  void aGoroutineListedTwiceDoesNotHideOneThatVanished() {
    sample(1 * S, List.of(running(10), running(11), running(12)), false);
    // as many entries as tracked goroutines, but 11 twice and 12 not at all
    sample(2 * S, List.of(running(10), running(11), running(11)), false);
    correlator.close();

    assertThat(sink.finished(12).endNs()).as("last seen").isEqualTo(1 * S);
    assertThat(sink.finished(12).attributes().get(SampledEvents.SAMPLE_COUNT)).isEqualTo(1L);
    assertThat(sink.finished()).extracting(GoroutineRecord::goid).containsExactly(12L);
    assertThat(sink.lastPartial(11).attributes().get(SampledEvents.SAMPLE_COUNT)).isEqualTo(2L);
  }

  @Test
  void aGoroutineThatMovesToAnotherWaitIsCountedAndGroupedByItsNewOne() {
    withLeakThreshold(Duration.ofMillis(500));
    GoroutineSample first = waiting(30, "chan receive", RECV_STACK, JOBS,
        ChannelWait.Direction.RECEIVE);
    GoroutineSample second = waiting(30, "chan send", SEND_STACK, FULL,
        ChannelWait.Direction.SEND, OTHER_GO_STMT);
    for (int i = 0; i <= 10; i++) {
      sample(i * 100 * MS, List.of(first), i > 0);
    }
    for (int i = 11; i <= 20; i++) {
      sample(i * 100 * MS, List.of(i == 11 ? second : copy(second)), i > 11);
    }
    correlator.advanceTo(10 * S);

    SampleRecord before = sink.samples.get(10);
    assertThat(before.byWaitReason()).containsExactlyEntriesOf(java.util.Map.of(
        "chan receive", 1));
    assertThat(before.leakGroups()).singleElement().satisfies(g -> {
      assertThat(g.waitReason()).isEqualTo("chan receive");
      assertThat(g.channel().address()).isEqualTo(JOBS.address());
    });
    SampleRecord after = sink.samples.get(20);
    assertThat(after.byWaitReason()).containsExactlyEntriesOf(java.util.Map.of("chan send", 1));
    assertThat(after.blockedNs()).containsOnlyKeys("chan send");
    assertThat(after.bySite()).singleElement().satisfies(c ->
        assertThat(c.site().line()).isEqualTo(30));
    assertThat(after.leakGroups()).singleElement().satisfies(g -> {
      assertThat(g.waitReason()).isEqualTo("chan send");
      assertThat(g.count()).isEqualTo(1);
      assertThat(g.channel().address()).isEqualTo(FULL.address());
      assertThat(g.creationSite().line()).isEqualTo(30);
    });
  }

  @Test
  void aGroupNamesTheChannelMostOfItsMembersWaitOn() {
    withLeakThreshold(Duration.ofMillis(100));
    List<GoroutineSample> all = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      all.add(waiting(40 + i, "chan receive", RECV_STACK, i < 2 ? FULL : JOBS,
          ChannelWait.Direction.RECEIVE));
    }
    sample(1 * S, all, false);
    sample(2 * S, all, true);
    correlator.advanceTo(10 * S);

    assertThat(sink.samples.get(1).leakGroups()).singleElement().satisfies(g -> {
      assertThat(g.count()).isEqualTo(5);
      assertThat(g.channels()).isEqualTo(2);
      assertThat(g.channel().address()).isEqualTo(JOBS.address());
      assertThat(g.exampleGoids()).containsExactly(40L, 41L, 42L, 43L, 44L);
    });
  }

  @Test
  void aGoroutineTheSamplesFindWhereItWasIsNotWrittenAgainEveryInterval() {
    sink = new RecordingSink();
    correlator = Correlator.builder(sink).setConfig(CorrelatorConfig.builder()
        .setReorderWindow(Duration.ofMillis(1)).setLeakThreshold(Duration.ofHours(1))
        .setPartialFlushInterval(Duration.ofSeconds(2)).build()).build();
    correlator.processStarted(new ProcessInfo(PID, "/bin/prog", "go1.26.8", "example.com/p"),
        NAMES, 0, false);
    GoroutineSample blocked = waiting(11, "chan receive", RECV_STACK, JOBS,
        ChannelWait.Direction.RECEIVE);
    for (int i = 1; i <= 8; i++) { // unmoved: the same instance every time
      sample(i * S, List.of(blocked, running(10 + 100 * i)), true, 0, Duration.ofSeconds(30), 1);
    }
    assertThat(partials(11)).as("one partial record, then none while it stays put")
        .isEqualTo(1);
    assertThat(correlator.stats().partialRecordsSkipped()).isPositive();

    GoroutineSample moved = waiting(11, "chan send", SEND_STACK, FULL,
        ChannelWait.Direction.SEND);
    for (int i = 9; i <= 12; i++) {
      sample(i * S, List.of(i == 9 ? moved : moved), i > 9, 0, Duration.ofSeconds(30), 1);
    }
    assertThat(partials(11)).as("it moved: written again, once").isEqualTo(2);
    assertThat(sink.lastPartial(11).waitReason()).isEqualTo("chan send");

    correlator.flushPartial();
    assertThat(partials(11)).as("an explicit flush writes every goroutine").isEqualTo(3);
  }

  private long partials(long goid) {
    return sink.goroutines.stream().filter(r -> r.goid() == goid && r.isPartial()).count();
  }

  // ---- samples ----

  private void sample(long ts, List<GoroutineSample> goroutines, boolean unmoved) {
    sample(ts, goroutines, unmoved, 0);
  }

  private void sample(long ts, List<GoroutineSample> goroutines, boolean unmoved, int torn) {
    sample(ts, goroutines, unmoved, torn, Duration.ofSeconds(30));
  }

  private void sample(long ts, List<GoroutineSample> goroutines, boolean unmoved, int torn,
      Duration window) {
    sample(ts, goroutines, unmoved, torn, window, goroutines.size());
  }

  /** The first {@code unmovedCount} goroutines are unmoved when {@code unmoved}. */
  private void sample(long ts, List<GoroutineSample> goroutines, boolean unmoved, int torn,
      Duration window, int unmovedCount) {
    boolean[] flags = new boolean[goroutines.size()];
    for (int i = 0; i < Math.min(unmovedCount, flags.length); i++) {
      flags[i] = unmoved;
    }
    List<GoroutineSample> sorted = new ArrayList<>(goroutines);
    sorted.sort(java.util.Comparator.comparingLong(GoroutineSample::goid));
    boolean[] sortedFlags = new boolean[flags.length];
    for (int i = 0; i < sorted.size(); i++) {
      sortedFlags[i] = flags[goroutines.indexOf(sorted.get(i))];
    }
    correlator.sampled(new ProcessSample(PID, "go1.26.8", ts, MS, sorted, stats(sorted, torn),
        List.of(), Unmoved.of(sortedFlags, sorted.size())),
        new SamplingContext(S, window.toNanos(), GO126));
    correlator.advanceTo(ts + 10 * MS);
  }

  private void sampleUnknown(long ts, List<GoroutineSample> goroutines) {
    correlator.sampled(new ProcessSample(PID, "go1.26.8", ts, MS, goroutines,
        stats(goroutines, 0), List.of()), new SamplingContext(S, 30 * S, GO126));
    correlator.advanceTo(ts + 10 * MS);
  }

  private static SampleStats stats(List<GoroutineSample> g, int torn) {
    return new SampleStats(g.size() + torn, g.size(), 0, 0, torn, torn, 0, 0, 1, 1000,
        "process_vm_readv");
  }

  private static GoroutineSample running(long goid) {
    return new GoroutineSample(goid, GoroutineStatus.RUNNING, false, 0, "", 0, 1, "main.busy",
        0x500000, GO_STMT, false, false, null, List.of(), 0);
  }

  private static GoroutineSample syscall(long goid) {
    return new GoroutineSample(goid, GoroutineStatus.SYSCALL, false, 0, "", 0, 1, "main.reader",
        0x500000, GO_STMT, false, false, stack("syscall.read", 7), List.of(), 0);
  }

  private static GoroutineSample waiting(long goid, String reason, GoroutineStack stack,
      ChannelState channel, ChannelWait.Direction direction) {
    return waiting(goid, reason, stack, channel, direction, GO_STMT);
  }

  private static GoroutineSample waiting(long goid, String reason, GoroutineStack stack,
      ChannelState channel, ChannelWait.Direction direction, StackFrame site) {
    List<ChannelWait> waits = channel == null ? List.of()
        : List.of(new ChannelWait(channel, direction));
    return new GoroutineSample(goid, GoroutineStatus.WAITING, false, 7, reason, 0, 1,
        stack.frames().get(1).function(), 0x500000, site, false, false, stack, waits,
        channel == null ? 0x5b10dcL : 0);
  }

  /** The same values in a new instance (what the sampler makes for a goroutine it re-read). */
  private static GoroutineSample copy(GoroutineSample g) {
    return new GoroutineSample(g.goid(), g.status(), g.gcScanning(), g.waitReasonCode(),
        g.waitReason(), g.waitSinceNs(), g.parentGoid(), g.startFunction(), g.startPc(),
        g.createdBy(), g.lockedToThread(), g.system(), g.stack(), g.channels(), g.semaphore());
  }

  private static GoroutineStack stack(String function, int line) {
    return new GoroutineStack(List.of(
        new StackFrame("runtime.gopark", "/go/src/runtime/proc.go", 435, 0x40a000, 0x409f00,
            false, 0),
        new StackFrame(function, "/src/main.go", line, 0x4a0000, 0x49ff00, false, 0),
        new StackFrame("runtime.goexit", "/go/src/runtime/asm_amd64.s", 1700, 0x460001,
            0x460000, false, 0)), true, false);
  }

  private static final Symbolizer NAMES = new Symbolizer() {
    @Override
    public CodeLocation creationSite(long gopc) {
      return gopc == 0 ? CodeLocation.UNKNOWN : new CodeLocation("main.main", "/src/main.go", 20);
    }

    @Override
    public String startFunction(long startPc) {
      return startPc == 0 ? "" : "main.worker";
    }

    @Override
    public String waitReason(int code) {
      return "reason " + code;
    }
  };
}
