package dev.goroscope.otel.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportModelTest {
  private static final int PID = 4242;

  @Test
  void theLatestLineOfAGoroutineWinsAndAnEndIsNeverUndone() throws Exception {
    ReportModel m = ReportModel.create();
    m.accept(Lines.process(PID, "/srv/app"));
    m.accept(Lines.goroutine(PID, 7, 1, "main.worker", "main.main", 10, 1_000, -1).toString());
    ObjectNode done = Lines.goroutine(PID, 7, 1, "main.worker", "main.main", 10, 1_000, 5_000_000);
    m.accept(done.toString());
    // a partial line that arrives after the final one (reordered output) changes nothing
    m.accept(Lines.goroutine(PID, 7, 1, "main.worker", "main.main", 10, 1_000, -1).toString());

    JsonNode d = Lines.data(m);
    JsonNode g = d.get("goroutines");
    assertThat(g.get("count").asInt()).isEqualTo(1);
    assertThat(g.get("end").get(0).asLong()).isEqualTo((5_000_000 - 1_000) / 1000);
    assertThat(Lines.string(d, g.get("state").get(0).asInt())).isEqualTo("exited");
    assertThat(m.stats().goroutineLines()).isEqualTo(3);
  }

  @Test
  void badLinesAreCountedWithTheFirstOneNamedAndNothingElseIsLost() throws Exception {
    ReportModel m = ReportModel.create();
    m.read(new BufferedReader(new StringReader(String.join("\n",
        Lines.process(PID, "/srv/app"),
        "",
        "goroscope: attached to pid 4242",
        "[1,2,3]",
        "{\"no\":\"type\"}",
        "{\"type\":\"goroutine\",\"pid\":4242}",
        Lines.goroutine(PID, 5, 1, "main.a", "main.main", 3, 100, 200).toString(),
        "{\"type\":\"stw\",\"pid\":4242,\"startNs\":150,\"endNs\":160,\"reason\":\"GC\"}",
        "{\"type\":\"heap_sample\",\"pid\":4242}",
        "{\"type\":\"heap_sample\",\"pid\":4242}"))));

    ReportModel.Stats s = m.stats();
    assertThat(s.lines()).isEqualTo(9); // the blank line is not one
    assertThat(s.malformed()).isEqualTo(4);
    assertThat(s.firstMalformed()).startsWith("line 3: not JSON: goroscope: attached");
    assertThat(s.goroutines()).isEqualTo(1);
    assertThat(s.unknownTypes()).isEqualTo(Map.of("heap_sample", 2L));
    JsonNode d = Lines.data(m);
    assertThat(d.path("input").path("malformed").asInt()).isEqualTo(4);
    assertThat(d.path("input").path("unknownTypes").path("heap_sample").asInt()).isEqualTo(2);
    assertThat(d.path("stw").path("start").get(0).asLong()).isZero(); // 150 ns after t0 = 100 ns
    assertThat(Lines.string(d, d.path("stw").path("reason").get(0).asInt())).isEqualTo("GC");
  }

  @Test
  void aPidReusedAfterItsProcessEndedIsANewProcessWithItsOwnGoroutines() throws Exception {
    ReportModel m = ReportModel.create();
    m.accept(Lines.process(PID, "/srv/old"));
    m.accept(Lines.goroutine(PID, 1, 0, "runtime.main", "", 0, 1_000, 9_000).toString());
    m.accept(Lines.goroutine(PID, 8, 1, "main.old", "main.main", 3, 2_000, 8_000).toString());
    m.accept(Lines.processEnd(PID, 9_000));
    m.accept("{\"type\":\"events_lost\",\"pid\":4242,\"count\":3}");
    m.accept(Lines.process(PID, "/srv/new"));
    m.accept(Lines.goroutine(PID, 1, 0, "runtime.main", "", 0, 20_000, 30_000).toString());
    m.accept(Lines.goroutine(PID, 8, 1, "main.new", "main.main", 4, 21_000, 29_000).toString());

    JsonNode d = Lines.data(m);
    assertThat(d.get("processes")).hasSize(2);
    assertThat(d.get("processes").get(0).get("executable").asText()).isEqualTo("/srv/old");
    assertThat(d.get("processes").get(0).get("eventsLost").asInt()).isEqualTo(3);
    assertThat(d.get("processes").get(1).get("executable").asText()).isEqualTo("/srv/new");
    JsonNode g = d.get("goroutines");
    assertThat(g.get("count").asInt()).isEqualTo(4);
    // each goroutine 8 has the goroutine 1 of its own incarnation as parent
    assertThat(ints(g.get("proc"))).containsExactly(0, 0, 1, 1);
    assertThat(ints(g.get("parent"))).containsExactly(-1, 0, -1, 2);
  }

  @Test
  void parentsTraceRootsAndOverrunsAreResolved() throws Exception {
    ReportModel m = ReportModel.builder().setRootFunctions(List.of("main.serve")).build();
    m.accept(Lines.goroutine(PID, 1, 0, "runtime.main", "", 0, 1_000_000, -1).toString());
    m.accept(Lines.goroutine(PID, 2, 1, "main.serve", "main.main", 5, 2_000_000, -1).toString());
    ObjectNode audit = Lines.goroutine(PID, 3, 2, "main.audit", "main.serve", 9, 3_000_000,
        503_000_000);
    audit.put("deadlineOverrun", true);
    ObjectNode o = audit.putObject("overrun");
    o.put("ctx", "0xc000123");
    o.put("contextCreatorGoid", 2);
    o.put("deadlineFiredNs", 303_000_000);
    o.put("overrunNs", 200_000_000);
    m.accept(audit.toString());
    // its parent was never seen: a root of its own, parent index -1, parentGoid kept
    m.accept(Lines.goroutine(PID, 9, 77, "main.orphan", "main.gone", 1, 4_000_000, 5_000_000)
        .toString());

    JsonNode d = Lines.data(m);
    JsonNode g = d.get("goroutines");
    assertThat(ints(g.get("parent"))).containsExactly(-1, 0, 1, -1);
    assertThat(ints(g.get("parentGoid"))).containsExactly(0, 1, 2, 77);
    // runtime.main: no parent; main.serve: a root function; main.orphan: parent unseen
    assertThat(ints(g.get("trace"))).containsExactly(0, 1, 1, 3);
    List<Integer> flags = ints(g.get("flags"));
    assertThat(flags.get(2) & ReportDataWriter.TRACE_ROOT).isZero();
    assertThat(flags.get(2) & ReportGoroutine.OVERRUN).isNotZero();
    JsonNode ov = d.get("overruns");
    assertThat(ints(ov.get("g"))).containsExactly(2);
    assertThat(ov.get("deadline").get(0).asLong()).isEqualTo(302_000); // µs after t0
    assertThat(ov.get("overrunNs").get(0).asLong()).isEqualTo(200_000_000L);
    assertThat(Lines.string(d, ov.get("ctx").get(0).asInt())).isEqualTo("0xc000123");
    assertThat(d.get("endUs").asLong()).isEqualTo(502_000);
    assertThat(d.get("t0UnixMs").asLong()).isEqualTo((1_000_000 + 1_000_000_000_000L) / 1_000_000);
    // sites: start function + creation site, by column
    JsonNode sites = d.get("sites");
    int s = g.get("site").get(2).asInt();
    assertThat(Lines.string(d, sites.get("startFunction").get(s).asInt())).isEqualTo("main.audit");
    assertThat(Lines.string(d, sites.get("function").get(s).asInt())).isEqualTo("main.serve");
    assertThat(sites.get("line").get(s).asInt()).isEqualTo(9);
  }

  @Test
  void fieldsOfLaterSchemasAreUsedWhenPresent() throws Exception {
    ReportModel m = ReportModel.create();
    ObjectNode g = Lines.goroutine(PID, 12, 1, "main.waitForReply", "main.request", 60, 1_000,
        -1);
    g.put("leakCandidate", true);
    g.put("waitReason", "chan receive");
    g.put("state", "waiting");
    g.put("some_future_field", 3);
    ObjectNode ch = g.putObject("channel");
    ch.put("address", "0xc0000a2000");
    ch.put("elemType", "string");
    ch.put("capacity", 0);
    ch.put("length", 0);
    ch.put("closed", false);
    ch.put("waitingSenders", 0);
    ch.put("waitingReceivers", 1);
    ObjectNode e = g.putArray("events").addObject();
    e.put("event", "mutex.wait");
    e.put("ns", 2_000);
    e.put("durationNs", 5_000);
    e.put("lock", "0xc00001");
    g.putObject("attributes").put("goroutine.locked_to_thread", true);
    // a sampled stack, innermost frame first as Go prints it
    g.putArray("stack").add(frame("runtime.gopark")).add(frame("runtime.chanrecv"))
        .add(frame("main.waitForReply"));
    g.putArray("parks").addObject().put("startNs", 1_500).putNull("endNs")
        .put("waitReason", "chan receive").put("waitReasonCode", 14).putNull("wakerGoid");
    m.accept(g.toString());
    ObjectNode sem = Lines.goroutine(PID, 13, 1, "main.locker", "main.main", 70, 1_000, -1);
    sem.put("leakCandidate", true);
    sem.put("waitReason", "sync.Mutex.Lock");
    sem.put("semaphore", "0xc0000b0000");
    m.accept(sem.toString());

    JsonNode d = Lines.data(m);
    assertThat(d.get("stacks").get("g")).hasSize(1);
    List<String> frames = new ArrayList<>();
    d.get("stacks").get("frames").get(0).forEach(f -> frames.add(Lines.string(d, f.asInt())));
    assertThat(frames).containsExactly("main.waitForReply", "runtime.chanrecv", "runtime.gopark");
    JsonNode ev = d.get("events");
    List<String> names = new ArrayList<>();
    ev.get("name").forEach(n -> names.add(Lines.string(d, n.asInt())));
    assertThat(names).containsExactly("mutex.wait", "attributes");
    assertThat(ev.get("dur").get(0).asLong()).isEqualTo(5);
    assertThat(Lines.JSON.readTree(Lines.string(d, ev.get("attrs").get(0).asInt()))
        .get("lock").asText()).isEqualTo("0xc00001");
    JsonNode parks = d.get("parks");
    assertThat(parks.get("end").get(0).asLong()).isEqualTo(-1);
    assertThat(parks.get("waker").get(0).asLong()).isEqualTo(-1);
    // leak groups carry what they wait on
    JsonNode groups = d.get("leakGroups");
    assertThat(groups).hasSize(2);
    List<String> waitsOn = new ArrayList<>();
    groups.forEach(x -> waitsOn.add(Lines.string(d, x.get("waitsOn").asInt())));
    assertThat(waitsOn).containsExactlyInAnyOrder(
        "chan 0xc0000a2000 (string) len 0/0, 0 senders / 1 receivers waiting",
        "lock 0xc0000b0000");
  }

  @Test
  void beyondItsMaximumTheOldestGoroutinesAreDroppedAndCounted() throws Exception {
    ReportModel m = ReportModel.builder().setMaxGoroutines(3).build();
    for (int i = 1; i <= 5; i++) {
      m.accept(Lines.goroutine(PID, i, 0, "main.f", "main.main", i, i * 1000, i * 2000)
          .toString());
    }
    assertThat(m.stats().goroutines()).isEqualTo(3);
    assertThat(m.stats().evicted()).isEqualTo(2);
    JsonNode d = Lines.data(m);
    assertThat(ints(d.get("goroutines").get("goid"))).containsExactly(3, 4, 5);
    assertThat(d.get("input").get("evicted").asInt()).isEqualTo(2);
  }

  @Test
  void namesThatCouldCloseTheScriptElementAreEscaped() throws Exception {
    ReportModel m = ReportModel.create();
    m.accept(Lines.goroutine(PID, 2, 1, "main.</script><script>alert(1)</script>", "main.<!--",
        1, 10, 20).toString());
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    HtmlReport.write(m, out);
    String html = out.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(html).doesNotContain("alert(1)</script>").doesNotContain("main.<!--");
    JsonNode d = Lines.data(html);
    assertThat(Lines.string(d, d.get("sites").get("startFunction").get(0).asInt()))
        .isEqualTo("main.</script><script>alert(1)</script>");
  }

  private static ObjectNode frame(String fn) {
    ObjectNode f = Lines.JSON.createObjectNode();
    f.put("function", fn);
    f.put("file", "/src/x.go");
    f.put("line", 1);
    return f;
  }

  private static List<Integer> ints(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asInt()));
    return out;
  }
}
