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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole collector path on real Go binaries of every Go minor 1.19–1.27, each built normal,
 * stripped and PIE: plan from the executable, real BPF probes, ring buffer, decoder,
 * correlator, and the attach-time snapshot. The target prints every goroutine it starts with its
 * parent; each must come out as one finished record with that parent and start function, the
 * ones started before attach (found only by the snapshot) included.
 */
class AttachEndToEndTest {

  private static final Pattern LINE =
      Pattern.compile("(g|early) (\\d+) parent (\\d+) fn (\\S+)");

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("dev.goroscope.testing.GoMatrix#cells")
  void everyPrintedGoroutineIsOneFinishedRecordWithItsParent(Toolchain toolchain, Mode mode)
      throws Exception {
    Path binary = GoToolchains.build("spawntree", toolchain, mode);
    Process target = new ProcessBuilder(binary.toString()).start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
    // The early goroutines run (blocked) before goroscope attaches.
    assertThat(out.readLine()).isEqualTo("ready");
    RecordingSink sink = new RecordingSink();
    StringWriter log = new StringWriter();
    Attacher attacher =
        new Attacher(
            AttachConfig.builder().setPid((int) target.pid()).build(), new GoTargetPlanner(),
            sink, () -> sink.goroutines.size(), () -> 0, new PrintWriter(log, true), false);
    try {
      CompletableFuture<AttachSummary> run = CompletableFuture.supplyAsync(attacher::run);
      // Probes attached and the snapshot taken: only then may the early goroutines end.
      if (!attacher.awaitAttached(Duration.ofSeconds(30))) {
        run.get(5, TimeUnit.SECONDS); // rethrows the attach failure
        throw new AssertionError("attacher ended or took too long before attaching: " + log);
      }
      try (OutputStream stdin = target.getOutputStream()) {
        stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
      }
      List<String> lines = new ArrayList<>();
      for (String l = out.readLine(); l != null; l = out.readLine()) {
        lines.add(l);
      }
      assertThat(target.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(target.exitValue()).isZero();
      AttachSummary summary = run.get(30, TimeUnit.SECONDS);
      assertThat(log.toString()).as("runtime.allgs found")
          .doesNotContain("existed before attach are not listed");

      Map<Long, GoroutineRecord> finished = new HashMap<>();
      for (GoroutineRecord r : sink.goroutines) {
        if (!r.isPartial()) {
          assertThat(finished.put(r.goid(), r)).as("goroutine %d finished twice", r.goid())
              .isNull();
        }
      }
      int printed = 0;
      int early = 0;
      for (String l : lines) {
        Matcher m = LINE.matcher(l);
        if (!m.matches()) {
          continue;
        }
        long goid = Long.parseLong(m.group(2));
        GoroutineRecord r = finished.get(goid);
        assertThat(r).as("record of goroutine %d (%s)", goid, log).isNotNull();
        if (m.group(1).equals("early")) {
          // From the snapshot: g.parentGoid names the creator from Go 1.21; before, a g does
          // not record it (0: unknown).
          early++;
          assertThat(r.parentGoid()).as("parent of early %d", goid)
              .isEqualTo(toolchain.atLeast(21) ? Long.parseLong(m.group(3)) : 0);
        } else {
          printed++;
          assertThat(r.parentGoid()).as("parent of %d", goid)
              .isEqualTo(Long.parseLong(m.group(3)));
        }
        assertThat(r.startFunction()).as("start function of %s", r).isEqualTo(m.group(4));
        assertThat(r.state()).isEqualTo(GoroutineState.EXITED);
        assertThat(r.endNs()).isGreaterThanOrEqualTo(r.startNs());
        assertThat(r.creationSite().function()).startsWith("main.");
        assertThat(r.creationSite().file()).endsWith("spawntree/main.go");
        assertThat(r.creationSite().line()).isPositive();
      }
      assertThat(printed).isEqualTo(3 + 12 + 60);
      assertThat(early).isEqualTo(4);
      assertThat(lines).contains("ctx deadline", "ctx cancel");

      List<ContextRecord> ended =
          sink.contexts.stream().filter(c -> !c.isLive()).toList();
      // Go 1.20 too, whose timerCtx holds its cancelCtx by pointer.
      assertThat(log.toString()).doesNotContain("no context probes");
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
    // 200,000 goroutines created and exited as fast as the target can, into a 4 KiB ring (~80
    // records; the reader is woken every quarter of it): the target outruns the reader, and
    // many records cannot be reserved. Every kernel event must be either received or counted
    // as lost, including the losses of the last moments, read when the process exits.
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
      // How many are lost is a race between the target and the reader: 155,000-169,000 on a
      // quiet machine, 48,000 under load, 4,309 in one CI run (2026-12-02). What must hold is
      // that some are, and that each is counted.
      assertThat(summary.eventsLost()).as("a 4 KiB ring loses records of 400,000")
          .isGreaterThan(100);
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
