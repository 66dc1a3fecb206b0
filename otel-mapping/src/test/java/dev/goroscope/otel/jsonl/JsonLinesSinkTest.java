package dev.goroscope.otel.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goroscope.otel.testing.Scenario;
import dev.goroscope.otel.time.ClockOffset;
import dev.goroscope.record.Attr;
import dev.goroscope.record.Attrs;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.ContextRecord;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.GoroutineEvents;
import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.record.GoroutineState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonLinesSinkTest {

  /** One object for every goroutine of the site, as the correlator's view hands it out. */
  private static final CodeLocation SITE = new CodeLocation("main.serve", "/src/app/main.go", 85);

  @Test
  void writesTheDocumentedSchemaOneObjectPerLine() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonLinesSink sink = new JsonLinesSink(bytes, ClockOffset.of(Scenario.OFFSET), true)) {
      sink.processStarted(Scenario.PROCESS);
      sink.goroutineStarted(Scenario.helper()); // starts are not written
      sink.goroutineEnded(Scenario.helper());
      sink.goroutineUpdated(GoroutineRecord.builder(4242, 30).setParentGoid(21)
          .setParentTraced(true)
          .setStartFunction("main.\"quoted\"\n")
          .setCreationSite(new CodeLocation("main.f", "/src/ü.go", 3))
          .setEvents(List.of(new GoroutineEvent("channel.send", 77, Attrs.of(
              Attr.address("channel.address", "address"), 0xc0001L,
              Attr.integer("channel.capacity", "capacity"), 4L))))
          .setStartNs(10).build());
      sink.contextCreated(new ContextRecord(4242, 0xc000bbb0L, 0, 20, 7, 99, -1, -1, null,
          List.of())); // creations are not written
      sink.contextEnded(new ContextRecord(4242, Scenario.CTX, 0xc000aaa0L, 20, 1_000_100_000L,
          Scenario.DEADLINE_UNIX, 1_500_000_000L, 5, ContextRecord.EndReason.DEADLINE_EXCEEDED,
          List.of(21L)));
      sink.contextUpdated(new ContextRecord(4242, 0xc000bbb0L, 0, 20, 7, 99, -1, -1, null,
          List.of()));
      sink.eventsLost(4242, 17);
      sink.processEnded(4242, 9_000_000_000L);
      sink.flush();
      assertThat(sink.linesWritten()).isEqualTo(7);
    }
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    String[] lines = text.split("\n");
    assertThat(lines).hasSize(7);
    ObjectMapper m = new ObjectMapper();
    List<JsonNode> nodes = new ArrayList<>();
    for (String l : lines) {
      nodes.add(m.readTree(l));
    }
    assertThat(nodes).extracting(n -> n.get("type").asText()).containsExactly(
        "process", "goroutine", "goroutine", "context", "context", "events_lost", "process_end");

    JsonNode g = nodes.get(1);
    assertThat(g.get("pid").asInt()).isEqualTo(4242);
    assertThat(g.get("goid").asLong()).isEqualTo(21);
    assertThat(g.get("parentGoid").asLong()).isEqualTo(20);
    assertThat(g.get("startFunction").asText()).isEqualTo("main.handler.func1");
    assertThat(g.get("createdAt").get("function").asText()).isEqualTo("main.handler");
    assertThat(g.get("createdAt").get("file").asText()).isEqualTo("/src/app/main.go");
    assertThat(g.get("createdAt").get("line").asInt()).isEqualTo(42);
    assertThat(g.get("startNs").asLong()).isEqualTo(1_000_200_000L);
    assertThat(g.get("endNs").asLong()).isEqualTo(3_000_000_000L);
    assertThat(g.get("startUnixNs").asLong()).isEqualTo(Scenario.OFFSET + 1_000_200_000L);
    assertThat(g.get("endUnixNs").asLong()).isEqualTo(Scenario.OFFSET + 3_000_000_000L);
    assertThat(g.get("durationNs").asLong()).isEqualTo(1_999_800_000L);
    assertThat(g.get("state").asText()).isEqualTo("exited");
    assertThat(g.get("waitReason").asText()).isEqualTo("chan receive");
    assertThat(g.get("deadlineOverrun").asBoolean()).isTrue();
    assertThat(g.get("overrun").get("ctx").asText()).isEqualTo("0xc000123400");
    assertThat(g.get("overrun").get("overrunNs").asLong()).isEqualTo(1_500_000_000L);
    assertThat(g.get("partial").asBoolean()).isFalse();
    assertThat(g.get("parks")).hasSize(2);
    assertThat(g.get("parks").get(0).get("wakerGoid").asLong()).isEqualTo(20);
    assertThat(g.get("contextEvents").get(0).get("event").asText())
        .isEqualTo("context.deadline_exceeded");
    assertThat(g.get("events")).extracting(e -> e.get("event").asText()).containsExactly(
        "goroutine.park", "goroutine.ready", "goroutine.park", "goroutine.ready",
        "context.deadline_exceeded");
    assertThat(g.get("events").get(1).get("ns").asLong()).isEqualTo(1_200_000_000L);
    assertThat(g.get("events").get(1).get("wakerGoid").asLong()).isEqualTo(20);
    assertThat(g.get("events").get(4).get("ctx").asText()).isEqualTo("0xc000123400");
    assertThat(g.get("events").get(4).has("deadline")).as("span-only attribute").isFalse();
    assertThat(g.get("attributes").size()).isZero();

    JsonNode live = nodes.get(2);
    assertThat(live.get("startFunction").asText()).isEqualTo("main.\"quoted\"\n");
    assertThat(live.get("createdAt").get("file").asText()).isEqualTo("/src/ü.go");
    assertThat(live.get("endNs").isNull()).isTrue();
    assertThat(live.get("endUnixNs").isNull()).isTrue();
    assertThat(live.get("partial").asBoolean()).isTrue();
    assertThat(live.get("deadlineOverrun").asBoolean()).isFalse();
    assertThat(live.get("overrun").isNull()).isTrue();
    assertThat(live.get("waitReason").isNull()).isTrue();
    assertThat(live.get("events")).singleElement().satisfies(e -> {
      assertThat(e.get("event").asText()).isEqualTo("channel.send");
      assertThat(e.get("ns").asLong()).isEqualTo(77);
      assertThat(e.get("address").asText()).isEqualTo("0xc0001");
      assertThat(e.get("capacity").asLong()).isEqualTo(4);
    });
    assertThat(live.get("parks")).isEmpty();

    JsonNode c = nodes.get(3);
    assertThat(c.get("ctx").asText()).isEqualTo("0xc000123400");
    assertThat(c.get("parentCtx").asText()).isEqualTo("0xc000aaa0");
    assertThat(c.get("goid").asLong()).isEqualTo(20);
    assertThat(c.get("cancelledBy").asLong()).isEqualTo(5);
    assertThat(c.get("deadlineUnixNs").asLong()).isEqualTo(Scenario.DEADLINE_UNIX);
    assertThat(c.get("endedNs").asLong()).isEqualTo(1_500_000_000L);
    assertThat(c.get("reason").asText()).isEqualTo("deadline_exceeded");
    assertThat(c.get("overrunGoids").get(0).asLong()).isEqualTo(21);

    JsonNode liveCtx = nodes.get(4);
    assertThat(liveCtx.get("cancelledBy").isNull()).isTrue();
    assertThat(liveCtx.get("endedNs").isNull()).isTrue();
    assertThat(liveCtx.get("reason").isNull()).isTrue();
    assertThat(liveCtx.get("parentCtx").isNull()).isTrue();

    assertThat(nodes.get(5).get("count").asLong()).isEqualTo(17);
    assertThat(nodes.get(6).get("endNs").asLong()).isEqualTo(9_000_000_000L);
  }

  @Test
  void writesStopTheWorldAndThreadLinesAndRuntimeEventsOfGoroutines() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonLinesSink sink = new JsonLinesSink(bytes, ClockOffset.of(1_000), true)) {
      sink.stopTheWorld(new dev.goroscope.record.StwRecord(4242, 100, 350, "GC mark termination",
          true, 6, 2, 1, List.of(18L)));
      sink.stopTheWorld(new dev.goroscope.record.StwRecord(4242, 400, 500, "read mem stats",
          false, 0, 0, 0, List.of()));
      sink.threadsSampled(new dev.goroscope.record.ThreadsRecord(4242, 900, 7, 2, 3, 50,
          List.of(new dev.goroscope.record.ThreadsRecord.Blocked(9, 100, true))));
      sink.goroutineEnded(GoroutineRecord.builder(4242, 9).setStartNs(10).setEndNs(990)
          .setState(dev.goroscope.record.GoroutineState.EXITED)
          .setEvents(List.of(new GoroutineEvent(GoroutineEvents.MUTEX_WAIT, 20, Attrs.builder()
              .put(GoroutineEvents.MUTEX_ADDRESS, 0xc0000a0L)
              .put(GoroutineEvents.MUTEX_WAIT_NS, 40L)
              .put(GoroutineEvents.MUTEX_KIND, "mutex")
              .put(GoroutineEvents.MUTEX_RELEASER_ID, 8L)
              .put(GoroutineEvents.SITE_FUNCTION, "main.worker")
              .put(GoroutineEvents.SITE_FILE, "/src/main.go")
              .put(GoroutineEvents.SITE_LINE, 17L).build())))
          .setAttributes(Attrs.builder().put(GoroutineEvents.MUTEX_WAIT_TOTAL_NS, 40L)
              .put(GoroutineEvents.LOCKED_TO_THREAD, true).build())
          .build());
    }
    ObjectMapper m = new ObjectMapper();
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(4);
    JsonNode gc = m.readTree(lines[0]);
    assertThat(gc.toString()).isEqualTo("{\"type\":\"stw\",\"pid\":4242,\"startNs\":100,"
        + "\"endNs\":350,\"startUnixNs\":1100,\"endUnixNs\":1350,\"durationNs\":250,"
        + "\"reason\":\"GC mark termination\",\"gc\":true,\"stopperGoid\":6,\"gomaxprocs\":2,"
        + "\"running\":1,\"runningGoids\":[18]}");
    JsonNode other = m.readTree(lines[1]);
    assertThat(other.get("stopperGoid").isNull()).isTrue();
    assertThat(other.get("gomaxprocs").isNull()).isTrue();
    assertThat(other.get("gc").asBoolean()).isFalse();
    assertThat(m.readTree(lines[2]).toString()).isEqualTo("{\"type\":\"threads\",\"pid\":4242,"
        + "\"ns\":900,\"unixNs\":1900,\"threads\":7,\"gomaxprocs\":2,\"inSyscall\":3,"
        + "\"thresholdNs\":50,\"blocked\":[{\"goid\":9,\"sinceNs\":100,\"sinceUnixNs\":1100,"
        + "\"lockedToThread\":true}]}");
    JsonNode g = m.readTree(lines[3]);
    assertThat(g.get("events").get(0).toString()).isEqualTo("{\"event\":\"mutex.wait\","
        + "\"ns\":20,\"lock\":\"0xc0000a0\",\"durationNs\":40,\"kind\":\"mutex\","
        + "\"releaserGoid\":8,\"function\":\"main.worker\",\"file\":\"/src/main.go\","
        + "\"line\":17}");
    assertThat(g.get("attributes").toString())
        .isEqualTo("{\"mutexWaitNs\":40,\"lockedToThread\":true}");
  }

  @Test
  void plainLinesOfOneCreationSiteSayWhatEachGoroutineIs() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonLinesSink sink = new JsonLinesSink(bytes, ClockOffset.of(10_000), true)) {
      sink.goroutineEnded(plain(100).build());
      // Same site: another start, an untraced parent, still running, then lost events.
      sink.goroutineEnded(plain(101).setParentTraced(false).setStartPc(0x62ce00)
          .setStartFunction("main.other").build());
      sink.goroutineUpdated(plain(102).setParentTraced(false).setEndNs(-1).setAsOfNs(2_000)
          .setState(GoroutineState.RUNNING).build());
      sink.goroutineEnded(plain(103).setEndNs(3_000).setIncomplete(true).build());
    }
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).isEqualTo("{\"type\":\"goroutine\",\"pid\":7,\"goid\":100,"
        + "\"parentGoid\":9,\"parentTraced\":true,\"startFunction\":\"main.serve.func1\","
        + "\"startPc\":\"0x62cd00\",\"createdAt\":{\"function\":\"main.serve\","
        + "\"file\":\"/src/app/main.go\",\"line\":85},\"startNs\":1000,\"endNs\":1500,"
        + "\"startUnixNs\":11000,\"endUnixNs\":11500,\"durationNs\":500,\"state\":\"exited\","
        + "\"waitReason\":null,\"partial\":false,\"deadlineOverrun\":false,\"overrun\":null,"
        + "\"leakCandidate\":false,\"incomplete\":false,\"contextEvents\":[],\"parks\":[],"
        + "\"events\":[],\"attributes\":{}}");
    ObjectMapper m = new ObjectMapper();
    JsonNode other = m.readTree(lines[1]);
    assertThat(other.get("goid").asLong()).isEqualTo(101);
    assertThat(other.get("parentTraced").asBoolean()).isFalse();
    assertThat(other.get("startFunction").asText()).isEqualTo("main.other");
    assertThat(other.get("startPc").asText()).isEqualTo("0x62ce00");
    assertThat(other.get("createdAt").get("line").asInt()).isEqualTo(85);
    JsonNode running = m.readTree(lines[2]);
    assertThat(running.get("partial").asBoolean()).isTrue();
    assertThat(running.get("state").asText()).isEqualTo("running");
    assertThat(running.get("endNs").isNull()).isTrue();
    assertThat(running.get("endUnixNs").isNull()).isTrue();
    assertThat(running.get("durationNs").isNull()).isTrue();
    assertThat(running.get("startUnixNs").asLong()).isEqualTo(11_000);
    assertThat(running.get("parentTraced").asBoolean()).isFalse();
    JsonNode incomplete = m.readTree(lines[3]);
    assertThat(incomplete.get("incomplete").asBoolean()).isTrue();
    assertThat(incomplete.get("durationNs").asLong()).isEqualTo(2_000);
    assertThat(incomplete.get("events")).isEmpty();
    assertThat(incomplete.get("attributes").size()).isZero();
  }

  /** An exited goroutine with nothing to flag, created at one site. */
  private static GoroutineRecord.Builder plain(long goid) {
    return GoroutineRecord.builder(7, goid).setParentGoid(9).setParentTraced(true)
        .setStartFunction("main.serve.func1").setStartPc(0x62cd00)
        .setCreationSite(SITE).setStartNs(1_000).setEndNs(1_500)
        .setState(GoroutineState.EXITED);
  }

  @Test
  void linesAreBufferedNotWrittenOneSystemCallEach() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonLinesSink sink =
        new JsonLinesSink(bytes, ClockOffset.of(0), false, Duration.ofHours(1))) {
      sink.eventsLost(1, 2);
      sink.processEnded(1, 5);
      assertThat(bytes.size()).as("nothing reaches the stream before a flush").isZero();
      sink.flush();
      assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
          "{\"type\":\"events_lost\",\"pid\":1,\"count\":2}\n"
              + "{\"type\":\"process_end\",\"pid\":1,\"endNs\":5,\"endUnixNs\":5}\n");
    }
  }

  @Test
  void aLineReachesTheStreamWithinTheFlushIntervalWhenNothingElseIsWritten() throws Exception {
    assertThat(JsonLinesSink.DEFAULT_FLUSH_INTERVAL).isEqualTo(Duration.ofMillis(200));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(); // synchronized: read while written
    try (JsonLinesSink sink =
        new JsonLinesSink(bytes, ClockOffset.of(0), false, Duration.ofMillis(50))) {
      sink.eventsLost(1, 2);
      // No further write and no flush call: only the sink's timer can push the line out.
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (bytes.size() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(bytes.toString(StandardCharsets.UTF_8))
          .isEqualTo("{\"type\":\"events_lost\",\"pid\":1,\"count\":2}\n");
    }
  }

  @Test
  void aBrokenOutputIsCountedNotThrown() {
    java.io.OutputStream broken = new java.io.OutputStream() {
      @Override
      public void write(int b) throws java.io.IOException {
        throw new java.io.IOException("Broken pipe");
      }
    };
    JsonLinesSink sink = new JsonLinesSink(broken, ClockOffset.of(0), false);
    sink.goroutineEnded(Scenario.worker());
    sink.flush();
    sink.goroutineEnded(Scenario.worker());
    sink.close();
    assertThat(sink.writeErrors()).isGreaterThanOrEqualTo(2);
  }
}
