package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.SampleRecord;
import dev.goroscope.record.SampledEvents;
import dev.goroscope.sample.StateProgram;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code attach --mode sampled} end to end on {@code stateprog}, whose goroutines sit in known
 * states: no probe, samples every 100 ms, records checked against the program's own {@code
 * runtime.Stack(buf, true)} taken between two samples — every goroutine Go lists is there with
 * Go's wait reason (or {@code syscall}), Go's innermost frame (function, file, line) and Go's
 * creator (and, from Go 1.21, its goroutine); the waits hold the channel state (a full buffered
 * channel with four senders, an unbuffered one with four receivers, a select on two) or the
 * lock (both mutex waiters on the mutex's semaphore); the sleeper sleeps, the pipe reader is in
 * a system call, the spinner runs; every span starts at the first sample. Go 1.19, 1.26, 1.27,
 * each normal, stripped and PIE; and {@code --exe} picks up a process started later.
 */
class SampledAttachTest {

  private static final Pattern HEADER = Pattern.compile("^goroutine (\\d+) \\[([^\\]]*)\\]:");
  private static final Pattern CREATED =
      Pattern.compile("^created by (\\S+)(?: in goroutine (\\d+))?$");

  static Stream<Arguments> builds() {
    List<Arguments> out = new ArrayList<>();
    for (Toolchain t : Toolchain.values()) {
      for (Mode m : List.of(Mode.NORMAL, Mode.STRIPPED, Mode.PIE)) {
        out.add(Arguments.of(t, m));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("builds")
  void recordsAgreeWithTheProgramsOwnDump(Toolchain toolchain, Mode mode) {
    try (StateProgram prog = StateProgram.start(toolchain, mode);
        SampledRun run = SampledRun.of(prog.pid(), Duration.ofMillis(100), b -> b)) {
      run.awaitSamples(3);
      String go = prog.goDump();
      int before = run.sink.samples.size();
      run.awaitSamples(before + 3);
      String goAfter = prog.goDump();
      AttachSummary summary = run.stop();

      assertThat(run.log.toString()).contains("attached to pid " + prog.pid())
          .contains("0 uprobes, sampled every 100ms");
      assertThat(summary.sampled()).startsWith("sampled every 100ms: ");
      long first = run.sink.samples.get(0).timestampNs();
      Map<Long, String> blocks = StateProgram.blocks(go);
      long spinner = only(run, "main.spinner").goid();
      int compared = 0;
      for (Map.Entry<Long, String> b : blocks.entrySet()) {
        long goid = b.getKey();
        if (goid == 1 || goid == spinner) {
          continue; // the one dumping (running then), and the one spinning
        }
        assertThat(StateProgram.blocks(goAfter).get(goid)).as("goroutine %d stayed", goid)
            .isEqualTo(b.getValue());
        GoroutineRecord r = run.sink.lastPartial(goid);
        String[] lines = StateProgram.withoutArguments(b.getValue().stripTrailing()).split("\n");
        Matcher h = HEADER.matcher(lines[0]);
        assertThat(h.find()).isTrue();
        String reason = h.group(2).split(", ")[0];
        assertThat(r.waitReason()).as("goroutine %d", goid).isEqualTo(reason);
        assertThat(r.state()).isEqualTo(GoroutineState.WAITING);
        CodeLocation top = r.stack().get(0);
        assertThat(top.function() + "(...)").as("goroutine %d", goid).isEqualTo(lines[1]);
        assertThat("\t" + top.file() + ":" + top.line()).isEqualTo(lines[2].split(" \\+0x")[0]);
        Matcher c = CREATED.matcher(lines[lines.length - 2]);
        assertThat(c.matches()).as("goroutine %d: %s", goid, lines[lines.length - 2]).isTrue();
        assertThat(r.creationSite().function()).isEqualTo(c.group(1));
        if (c.group(2) != null) {
          assertThat(r.parentGoid()).isEqualTo(Long.parseLong(c.group(2)));
        }
        assertThat(r.startNs()).as("first seen").isEqualTo(first);
        assertThat(r.attributes().get(SampledEvents.SAMPLED)).isTrue();
        assertThat(r.attributes().get(SampledEvents.SAMPLE_INTERVAL_MS)).isEqualTo(100L);
        GoroutineEvent wait = openWait(r);
        assertThat(wait.timestampNs()).isEqualTo(first);
        assertThat(wait.attributes().get(SampledEvents.WAIT_REASON)).isEqualTo(reason);
        assertThat(wait.attributes().get(SampledEvents.WAIT_SAMPLES))
            .as("one wait, seen by every sample").isEqualTo((long) run.sink.samples.size());
        compared++;
      }
      assertThat(compared).isEqualTo(22);

      // a full buffered channel (cap 3, len 3) with four senders queued
      assertThat(all(run, "main.sender")).hasSize(4).allSatisfy(r -> {
        GoroutineEvent w = openWait(r);
        assertThat(w.attributes().get(SampledEvents.CHANNEL)).isEqualTo(prog.address("full"));
        assertThat(w.attributes().get(SampledEvents.CHANNEL_ELEM_TYPE)).isEqualTo("main.job");
        assertThat(w.attributes().get(SampledEvents.CHANNEL_CAPACITY)).isEqualTo(3L);
        assertThat(w.attributes().get(SampledEvents.CHANNEL_LENGTH)).isEqualTo(3L);
        assertThat(w.attributes().get(SampledEvents.CHANNEL_WAITING_SENDERS)).isEqualTo(4L);
        assertThat(w.attributes().get(SampledEvents.CHANNEL_DIRECTION)).isEqualTo("send");
      });
      // an unbuffered receive, four receivers (two created by main.spawner)
      assertThat(all(run, "main.receiver")).hasSize(4).allSatisfy(r -> {
        GoroutineEvent w = openWait(r);
        assertThat(w.attributes().get(SampledEvents.CHANNEL)).isEqualTo(prog.address("unbuf"));
        assertThat(w.attributes().get(SampledEvents.CHANNEL_CAPACITY)).isZero();
        assertThat(w.attributes().get(SampledEvents.CHANNEL_WAITING_RECEIVERS)).isEqualTo(4L);
      });
      // a select on two channels
      GoroutineEvent select = openWait(only(run, "main.selector"));
      assertThat(select.attributes().get(SampledEvents.WAIT_REASON)).isEqualTo("select");
      assertThat(select.attributes().get(SampledEvents.CHANNEL_COUNT)).isEqualTo(2L);
      assertThat(select.attributes().get(SampledEvents.CHANNEL))
          .isIn(prog.address("selA"), prog.address("selB"));
      // a mutex held by another goroutine: both waiters on its semaphore
      assertThat(all(run, "main.mutexWaiter")).hasSize(2).allSatisfy(r ->
          assertThat(openWait(r).attributes().get(SampledEvents.SEMAPHORE))
              .isEqualTo(prog.address("mu") + 4));
      // in a system call, asleep, spinning
      GoroutineRecord reader = only(run, "main.pipeReader");
      assertThat(reader.attributes().get(SampledEvents.STATUS)).isEqualTo("syscall");
      assertThat(reader.waitReason()).isEqualTo("syscall");
      assertThat(only(run, "main.sleeper").waitReason()).isEqualTo("sleep");
      GoroutineRecord spin = only(run, "main.spinner");
      assertThat(spin.attributes().get(SampledEvents.STATUS))
          .isIn("running", "runnable", "preempted");
      assertThat(spin.state()).isEqualTo(GoroutineState.RUNNING);
      assertThat(only(run, "main.lockedWaiter").attributes()
          .get(SampledEvents.LOCKED_TO_THREAD)).isTrue();
      // each sample counts them
      SampleRecord last = run.sink.samples.get(run.sink.samples.size() - 1);
      assertThat(last.byWaitReason()).containsEntry("chan send", 4).containsEntry("sleep", 1);
      assertThat(last.byStatus().get("syscall")).isGreaterThanOrEqualTo(1);
      // blocked time since the previous sample: 4 senders × the gap between the two samples
      // (not the configured interval: on a busy machine a late sample is followed by an early one)
      SampleRecord prev = run.sink.samples.get(run.sink.samples.size() - 2);
      long gap = last.timestampNs() - prev.timestampNs();
      assertThat(last.blockedNs().get("chan send")).as("4 senders × %d ns", gap)
          .isBetween(4 * gap * 9 / 10, 4 * gap * 11 / 10);
      assertThat(last.leakGroups()).as("nothing blocked for the default 60 s").isEmpty();
    }
  }

  @Test
  void exeModeSamplesProcessesStartedLater() {
    Path binary = GoToolchains.build("stateprog", Toolchain.GO_1_26, Mode.NORMAL);
    try (SampledRun run = new SampledRun(AttachConfig.builder().setExecutable(binary)
        .setExeScanInterval(Duration.ofMillis(50)).setMode(AttachMode.SAMPLED)
        .setSampleInterval(Duration.ofMillis(100)).build())) {
      run.await(() -> run.log.toString().contains("waiting for processes"),
          Duration.ofSeconds(30));
      try (StateProgram prog = StateProgram.start(Toolchain.GO_1_26, Mode.NORMAL)) {
        run.await(() -> run.log.toString().contains("attached to pid " + prog.pid()),
            Duration.ofSeconds(60));
        run.awaitSamples(3);
        AttachSummary summary = run.stop();
        assertThat(summary.processes()).isEqualTo(1);
        assertThat(run.sink.samples).allSatisfy(s -> assertThat(s.pid()).isEqualTo(prog.pid()));
        assertThat(all(run, "main.sender")).hasSize(4);
      }
    }
  }

  private static GoroutineEvent openWait(GoroutineRecord r) {
    List<GoroutineEvent> waits = r.events().stream()
        .filter(e -> e.name().equals(SampledEvents.WAIT)).toList();
    assertThat(waits).as("goroutine %d", r.goid()).isNotEmpty();
    GoroutineEvent last = waits.get(waits.size() - 1);
    assertThat(last.attributes().get(SampledEvents.WAIT_OPEN)).isTrue();
    return last;
  }

  /** The last record of every goroutine started in {@code function}. */
  static List<GoroutineRecord> all(SampledRun run, String function) {
    Map<Long, GoroutineRecord> last = new java.util.TreeMap<>();
    for (GoroutineRecord r : run.sink.goroutines) {
      if (r.startFunction().equals(function)) {
        last.put(r.goid(), r);
      }
    }
    return List.copyOf(last.values());
  }

  static GoroutineRecord only(SampledRun run, String function) {
    List<GoroutineRecord> all = all(run, function);
    assertThat(all).as(function).hasSize(1);
    return all.get(0);
  }
}
