package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.event.MarkKind;
import dev.goroscope.record.Attr;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import dev.goroscope.testing.RecordingSink;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The channel-operation probes (an event kind added through the generic mark path) on real
 * binaries: every send and receive the program prints becomes one event of that goroutine, with
 * the channel's address, capacity and fill as the operation started.
 */
class ChannelOpsTest {

  private static final Pattern OP = Pattern.compile(
      "op (send|receive|receive-ok) goid (\\d+) chan (0x[0-9a-f]+) cap (\\d+) len (\\d+)");

  static Stream<Arguments> binaries() {
    return Stream.of(
        Arguments.of(Toolchain.GO_1_26, Mode.NORMAL),
        Arguments.of(Toolchain.GO_1_26, Mode.STRIPPED),
        Arguments.of(Toolchain.GO_1_19, Mode.NORMAL),
        Arguments.of(Toolchain.GO_1_27, Mode.PIE));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("binaries")
  void everyChannelOperationIsAnEventOfItsGoroutine(Toolchain toolchain, Mode mode)
      throws Exception {
    Path binary = GoToolchains.build(Path.of("src/test/go/chanops"), toolchain, mode);
    Process target = new ProcessBuilder(binary.toString()).start();
    RecordingSink sink = new RecordingSink();
    StringWriter log = new StringWriter();
    Attacher attacher = new Attacher(
        AttachConfig.builder().setPid((int) target.pid()).setDeep(true).build(),
        new GoTargetPlanner(), sink, () -> 0, () -> 0, new PrintWriter(log, true), false);
    try {
      CompletableFuture<AttachSummary> run = CompletableFuture.supplyAsync(attacher::run);
      AttachEndToEndTest.awaitAttached(log, run);
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
      run.get(30, TimeUnit.SECONDS);
      assertThat(log.toString()).doesNotContain("no channels probes");

      Map<Long, GoroutineRecord> byGoid = new HashMap<>();
      for (GoroutineRecord r : sink.goroutines) {
        if (!r.isPartial()) {
          byGoid.put(r.goid(), r);
        }
      }
      Map<Long, List<GoroutineEvent>> unmatched = new HashMap<>();
      byGoid.forEach((goid, r) -> unmatched.put(goid, new ArrayList<>(r.events().stream()
          .filter(e -> e.name().startsWith("channel.")).toList())));
      int ops = 0;
      for (String l : lines) {
        Matcher m = OP.matcher(l);
        assertThat(m.matches()).as("line %s", l).isTrue();
        ops++;
        long goid = Long.parseLong(m.group(2));
        String name = m.group(1).equals("send") ? MarkKind.CHANNEL_SEND.eventName()
            : MarkKind.CHANNEL_RECEIVE.eventName();
        List<GoroutineEvent> events = unmatched.get(goid);
        assertThat(events).as("channel events of goroutine %d (%s)", goid, log).isNotNull();
        // The first not yet matched event of the goroutine is this operation.
        GoroutineEvent e = events.remove(0);
        assertThat(e.name()).as(l).isEqualTo(name);
        assertThat(Attr.hex(e.attributes().get(MarkKind.CHANNEL_ADDRESS))).as(l)
            .isEqualTo(m.group(3));
        assertThat(e.attributes().get(MarkKind.CHANNEL_CAPACITY)).as(l)
            .isEqualTo(Long.parseLong(m.group(4)));
        assertThat(e.attributes().get(MarkKind.CHANNEL_LENGTH)).as(l)
            .isEqualTo(Long.parseLong(m.group(5)));
      }
      assertThat(ops).isEqualTo(8);
      // Nothing else than the printed operations on the two goroutines that did them.
      unmatched.forEach((goid, rest) -> {
        if (lines.stream().anyMatch(l -> l.contains(" goid " + goid + " "))) {
          assertThat(rest).as("unprinted channel events of goroutine %d", goid).isEmpty();
        }
      });
    } finally {
      attacher.requestStop();
      target.destroyForcibly();
    }
  }
}
