package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.RecordingSink;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole collector path on real Go binaries: plan from the executable, real BPF probes,
 * ring buffer, decoder, correlator. The target prints every goroutine it starts with its
 * parent; each must come out as one finished record with that parent and start function.
 */
class AttachEndToEndTest {

  private static final Pattern LINE = Pattern.compile("g (\\d+) parent (\\d+) fn (\\S+)");

  static Stream<Arguments> binaries() {
    return Stream.of(
        Arguments.of(Toolchain.GO_1_26, Mode.NORMAL),
        Arguments.of(Toolchain.GO_1_26, Mode.STRIPPED),
        Arguments.of(Toolchain.GO_1_26, Mode.PIE),
        Arguments.of(Toolchain.GO_1_19, Mode.NORMAL),
        Arguments.of(Toolchain.GO_1_19, Mode.STRIPPED),
        Arguments.of(Toolchain.GO_1_27, Mode.NORMAL),
        Arguments.of(Toolchain.GO_1_27, Mode.STRIPPED));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("binaries")
  void everyPrintedGoroutineIsOneFinishedRecordWithItsParent(Toolchain toolchain, Mode mode)
      throws Exception {
    Path binary = GoToolchains.build(Path.of("src/test/go/spawntree"), toolchain, mode);
    Process target = new ProcessBuilder(binary.toString()).start();
    RecordingSink sink = new RecordingSink();
    StringWriter log = new StringWriter();
    Attacher attacher =
        new Attacher(
            AttachConfig.builder().setPid((int) target.pid()).build(), new GoTargetPlanner(),
            sink, () -> sink.goroutines.size(), () -> 0, new PrintWriter(log, true), false);
    try {
      CompletableFuture<AttachSummary> run = CompletableFuture.supplyAsync(attacher::run);
      awaitAttached(log, run);
      try (OutputStream stdin = target.getOutputStream()) {
        stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
      }
      List<String> lines = new ArrayList<>();
      BufferedReader out = new BufferedReader(
          new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
      for (String l = out.readLine(); l != null; l = out.readLine()) {
        lines.add(l);
      }
      assertThat(target.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(target.exitValue()).isZero();
      AttachSummary summary = run.get(30, TimeUnit.SECONDS);

      Map<Long, GoroutineRecord> finished = new HashMap<>();
      for (GoroutineRecord r : sink.goroutines) {
        if (!r.isPartial()) {
          assertThat(finished.put(r.goid(), r)).as("goroutine %d finished twice", r.goid())
              .isNull();
        }
      }
      int printed = 0;
      for (String l : lines) {
        Matcher m = LINE.matcher(l);
        if (!m.matches()) {
          continue;
        }
        printed++;
        long goid = Long.parseLong(m.group(1));
        GoroutineRecord r = finished.get(goid);
        assertThat(r).as("record of goroutine %d (%s)", goid, log).isNotNull();
        assertThat(r.parentGoid()).as("parent of %d", goid).isEqualTo(Long.parseLong(m.group(2)));
        assertThat(r.startFunction()).isEqualTo(m.group(3));
        assertThat(r.state()).isEqualTo(GoroutineState.EXITED);
        assertThat(r.endNs()).isGreaterThanOrEqualTo(r.startNs());
        assertThat(r.creationSite().function()).startsWith("main.");
        assertThat(r.creationSite().file()).endsWith("spawntree/main.go");
        assertThat(r.creationSite().line()).isPositive();
      }
      assertThat(printed).isEqualTo(3 + 12 + 60);
      assertThat(lines).contains("ctx deadline", "ctx cancel");

      List<ContextRecord> ended =
          sink.contexts.stream().filter(c -> !c.isLive()).toList();
      assertThat(ended).extracting(ContextRecord::reason)
          .contains(ContextRecord.EndReason.DEADLINE_EXCEEDED, ContextRecord.EndReason.CANCELED);
      assertThat(ended).allMatch(c -> c.creatorGoid() == 1);
      assertThat(summary.processes()).isEqualTo(1);
      assertThat(summary.eventsLost()).isZero();
      assertThat(sink.started).extracting(ProcessInfo::pid).containsExactly((int) target.pid());
    } finally {
      attacher.requestStop();
      target.destroyForcibly();
    }
  }

  @Test
  void aRingTooSmallForTheLoadLosesEventsAndCountsEveryOne() throws Exception {
    // 200,000 goroutines created and exited as fast as the target can, into a 4 KiB ring that
    // nobody wakes up for (the wake-up threshold is larger than the ring): most records cannot
    // be reserved. Every kernel event must be either received or counted as lost, including
    // the losses of the last moments, read when the process exits.
    Path binary = GoToolchains.build(Path.of("../../bpf/src/test/go/goroutines"),
        Toolchain.GO_1_26, Mode.NORMAL);
    Process target = new ProcessBuilder(binary.toString(), "-spawn", "200000").start();
    RecordingSink sink = new RecordingSink();
    StringWriter log = new StringWriter();
    Attacher attacher = new Attacher(
        AttachConfig.builder().setPid((int) target.pid()).setRingBytes(4096).build(),
        new GoTargetPlanner(), sink, () -> sink.goroutines.size(), () -> 0,
        new PrintWriter(log, true), false);
    try {
      CompletableFuture<AttachSummary> run = CompletableFuture.supplyAsync(attacher::run);
      awaitAttached(log, run);
      try (OutputStream stdin = target.getOutputStream()) {
        stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
      }
      String output = new String(target.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(target.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(output).contains("spawn 200000 ").contains("done");
      AttachSummary summary = run.get(60, TimeUnit.SECONDS);

      long received = attacher.correlatorStats().eventsIn()
          - attacher.correlatorStats().lostMarkers();
      assertThat(summary.eventsLost()).as("a 4 KiB ring loses most of 400,000 records")
          .isGreaterThan(100_000);
      assertThat(received + summary.eventsLost())
          .as("received + lost = every creation and exit (+ a few of the runtime's)")
          .isBetween(400_000L, 401_000L);
      assertThat(sink.goroutines).as("goroutines alive at a loss are marked incomplete")
          .anyMatch(GoroutineRecord::incomplete);
    } finally {
      attacher.requestStop();
      target.destroyForcibly();
    }
  }

  static void awaitAttached(StringWriter log, CompletableFuture<?> run)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!log.toString().contains("attached to pid")) {
      if (run.isDone()) {
        run.get(); // rethrows the attach failure
        throw new AssertionError("attacher ended before attaching: " + log);
      }
      assertThat(System.nanoTime()).as("attached in time: %s", log).isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
