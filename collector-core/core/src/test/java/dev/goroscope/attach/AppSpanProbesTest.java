package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.record.AppSpanEvents;
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
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The application-span probes on real programs that use the OpenTelemetry Go SDK
 * ({@code src/test/go/appspans}): the newest SDK (v1.47.0) with Go 1.26 (its oldest Go) and
 * 1.27, v1.38.0 (a year older) with Go 1.23 (its oldest Go), and v1.16.0 with Go 1.19; normal,
 * stripped (offsets from the SDK table) and PIE. Every span the program prints is a start event
 * of the goroutine that started it and an end event of the one that ended it, with the SDK's own
 * trace id, span id and sampled flag; every goroutine it creates carries the span that was open
 * on its creator (innermost of nested spans; none once a span ended, wherever it was ended;
 * unsampled ones too), and each start was announced to the sink as it happened.
 */
class AppSpanProbesTest {

  private static final Pattern SPAN = Pattern.compile(
      "span (\\S+) trace=([0-9a-f]{32}) span=([0-9a-f]{16}) sampled=(true|false) goid=(\\d+)");
  private static final Pattern END = Pattern.compile("end (\\S+) span=([0-9a-f]{16}) goid=(\\d+)");
  private static final Pattern CHILD = Pattern.compile("child (\\S+) goid=(\\d+) under=(\\S+)");

  static Stream<Arguments> builds() {
    Path src = Path.of("src/test/go/appspans");
    return Stream.of(
        build("v1.47.0 go1.26 normal", "v1.47.0",
            () -> GoToolchains.build(src, ".", Toolchain.GO_1_26, Mode.NORMAL)),
        build("v1.47.0 go1.26 stripped", "v1.47.0",
            () -> GoToolchains.build(src, ".", Toolchain.GO_1_26, Mode.STRIPPED)),
        build("v1.47.0 go1.27 pie", "v1.47.0",
            () -> GoToolchains.build(src, ".", Toolchain.GO_1_27, Mode.PIE)),
        build("v1.38.0 go1.23 normal", "v1.38.0",
            () -> GoToolchains.build(src, ".", "go1.23.12", Mode.NORMAL,
                List.of("-modfile=go.v1.38.mod"))),
        build("v1.38.0 go1.23 stripped", "v1.38.0",
            () -> GoToolchains.build(src, ".", "go1.23.12", Mode.STRIPPED,
                List.of("-modfile=go.v1.38.mod"))),
        build("v1.16.0 go1.19 stripped", "v1.16.0",
            () -> GoToolchains.build(src, ".", Toolchain.GO_1_19, Mode.STRIPPED,
                List.of("-modfile=go.v1.16.mod"))));
  }

  private static Arguments build(String name, String sdk, Supplier<Path> binary) {
    return Arguments.of(name, sdk, binary);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("builds")
  void spansAndTheGoroutinesUnderThem(String name, String sdk, Supplier<Path> build)
      throws Exception {
    Path binary = build.get();
    Process target = new ProcessBuilder(binary.toString()).start();
    RecordingSink sink = new RecordingSink();
    StringWriter log = new StringWriter();
    Attacher attacher = new Attacher(
        AttachConfig.builder().setPid((int) target.pid()).build(),
        new GoTargetPlanner(), sink, () -> 0, () -> 0, new PrintWriter(log, true), false);
    try {
      CompletableFuture<AttachSummary> run = CompletableFuture.supplyAsync(attacher::run);
      AttachEndToEndTest.awaitAttached(log, run);
      assertThat(log.toString()).contains("application spans: OpenTelemetry Go SDK " + sdk)
          .doesNotContain("no app_spans probes");
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
      assertThat(lines).last().isEqualTo("done");

      Map<Long, GoroutineRecord> byGoid = new HashMap<>();
      for (GoroutineRecord r : sink.goroutines) {
        byGoid.put(r.goid(), r); // the last record of each goroutine
      }
      Map<String, String[]> spans = new HashMap<>(); // span id → {name, trace, sampled}
      int starts = 0;
      int ends = 0;
      int children = 0;
      for (String l : lines) {
        Matcher s = SPAN.matcher(l);
        Matcher e = END.matcher(l);
        Matcher c = CHILD.matcher(l);
        if (s.matches()) {
          starts++;
          spans.put(s.group(3), new String[] {s.group(1), s.group(2), s.group(4)});
          long goid = Long.parseLong(s.group(5));
          GoroutineEvent start = only(byGoid, goid, AppSpanEvents.START, s.group(3), l, log);
          assertThat(start.attributes().get(AppSpanEvents.TRACE_ID)).as(l).isEqualTo(s.group(2));
          assertThat(start.attributes().get(AppSpanEvents.SAMPLED)).as(l)
              .isEqualTo(Boolean.parseBoolean(s.group(4)));
          assertThat(sink.announced).as("announced as it happened: %s", l).anyMatch(a ->
              a.goroutine().goid() == goid && a.event().equals(start));
        } else if (e.matches()) {
          ends++;
          GoroutineEvent end = only(byGoid, Long.parseLong(e.group(3)), AppSpanEvents.END,
              e.group(2), l, log);
          assertThat(end.attributes().get(AppSpanEvents.TRACE_ID)).as(l)
              .isEqualTo(spans.get(e.group(2))[1]);
        } else if (c.matches()) {
          children++;
          GoroutineRecord g = byGoid.get(Long.parseLong(c.group(2)));
          assertThat(g).as("goroutine of %s\n%s", l, log).isNotNull();
          if (c.group(3).equals("none")) {
            assertThat(g.attributes().get(AppSpanEvents.UNDER_SPAN_ID)).as(l).isNull();
          } else {
            String[] span = spans.get(c.group(3));
            assertThat(g.attributes().get(AppSpanEvents.UNDER_SPAN_ID)).as(l)
                .isEqualTo(c.group(3));
            assertThat(g.attributes().get(AppSpanEvents.UNDER_TRACE_ID)).as(l)
                .isEqualTo(span[1]);
            assertThat(g.attributes().get(AppSpanEvents.UNDER_SAMPLED)).as(l)
                .isEqualTo(Boolean.parseBoolean(span[2]));
            // Already when the goroutine started at the sink (where span parents are decided).
            assertThat(sink.startedGoroutines).as(l).anyMatch(r -> r.goid() == g.goid()
                && c.group(3).equals(r.attributes().get(AppSpanEvents.UNDER_SPAN_ID)));
          }
        }
      }
      assertThat(starts).isEqualTo(5);
      assertThat(ends).isEqualTo(5);
      assertThat(children).isEqualTo(5);
      // The goroutine that ended "handoff" was itself created while handoff was open.
      String handoff = spans.entrySet().stream().filter(x -> x.getValue()[0].equals("handoff")).findFirst()
          .map(Map.Entry::getKey).orElseThrow();
      long ender = lines.stream().map(END::matcher).filter(Matcher::matches)
          .filter(m -> m.group(2).equals(handoff)).mapToLong(m -> Long.parseLong(m.group(3)))
          .findFirst().orElseThrow();
      assertThat(byGoid.get(ender).attributes().get(AppSpanEvents.UNDER_SPAN_ID))
          .isEqualTo(handoff);
    } finally {
      attacher.requestStop();
      target.destroyForcibly();
    }
  }

  /** The one event named {@code name} of span {@code spanId} on goroutine {@code goid}. */
  private static GoroutineEvent only(Map<Long, GoroutineRecord> byGoid, long goid, String name,
      String spanId, String line, StringWriter log) {
    GoroutineRecord g = byGoid.get(goid);
    assertThat(g).as("goroutine %d of %s\n%s", goid, line, log).isNotNull();
    List<GoroutineEvent> found = g.events().stream().filter(e -> e.name().equals(name)
        && spanId.equals(e.attributes().get(AppSpanEvents.SPAN_ID))).toList();
    assertThat(found).as("%s of %s on goroutine %d: %s", name, spanId, goid, g.events())
        .hasSize(1);
    return found.get(0);
  }
}
