package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runtime events through the real command line: {@code goroscope attach --pid PID --probe
 * mutex,syscall --output jsonl} on collector-core's {@code runtimeprog} (Go 1.26), which waits
 * for a line on stdin once goroscope is attached, then reports its own work. Pauses are {@code
 * stw} lines, lock waits and blocked reads are events of the goroutine lines, blocked threads are
 * {@code threads} lines — with the fields the README documents, matching what the program
 * measured about itself.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RuntimeEventsJsonLinesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the program printed about itself and what goroscope wrote, for one mode. */
  private record Run(long pid, List<JsonNode> program, List<JsonNode> goroscope) {

    List<JsonNode> program(String mode) {
      return program.stream().filter(n -> n.path("mode").asText().equals(mode)).toList();
    }

    List<JsonNode> lines(String type) {
      return goroscope.stream().filter(n -> n.path("type").asText().equals(type)
          && n.path("pid").asLong() == pid).toList();
    }

    /** The events named {@code event} of goroutine {@code goid} (its last line: the final one). */
    List<JsonNode> events(long goid, String event) {
      List<JsonNode> records = lines("goroutine").stream()
          .filter(g -> g.path("goid").asLong() == goid).toList();
      assertThat(records).as("a goroutine line of %d", goid).isNotEmpty();
      JsonNode last = records.get(records.size() - 1);
      return stream(last.path("events")).filter(e -> e.path("event").asText().equals(event))
          .toList();
    }
  }

  private static Run run(String mode) {
    Path binary = GoToolchains.build("runtimeprog", Toolchain.GO_1_26, Mode.NORMAL);
    try (ExampleProcess target = ExampleProcess.start(binary, mode);
        AttachRun attach = AttachRun.start("attach", "--pid", Long.toString(target.pid()),
            "--probe", "mutex,syscall", "--output", "jsonl")) {
      target.writeLine("go");
      assertThat(target.awaitExit(Duration.ofSeconds(60))).as(target.transcript()).isZero();
      attach.awaitSummary();
      assertThat(attach.process().stderr()).as("stderr: messages only")
          .allMatch(l -> l.startsWith("goroscope: "));
      return new Run(target.pid(), parse(target.stdout()), parse(attach.process().stdout()));
    }
  }

  @Test
  void pausesAreStwLinesCountedAsTheRuntimeDoes() {
    Run run = run("stw");
    JsonNode self = run.program("stw").get(0);
    List<JsonNode> stw = run.lines("stw");
    assertThat(stw).filteredOn(p -> p.path("reason").asText().equals("GC sweep termination"))
        .hasSize(self.get("gcCalls").asInt());
    assertThat(stw).filteredOn(p -> p.path("reason").asText().equals("read mem stats"))
        .hasSize(self.get("readMemStats").asInt());
    assertThat(stw).filteredOn(p -> p.path("gc").asBoolean())
        .hasSize(self.get("metricDeltas").get("/gc/pauses:seconds").asInt());
    for (JsonNode p : stw) {
      long start = p.get("startNs").asLong();
      long end = p.get("endNs").asLong();
      assertThat(end).as("%s", p).isGreaterThan(start);
      assertThat(p.get("durationNs").asLong()).isEqualTo(end - start);
      assertThat(p.get("endUnixNs").asLong() - p.get("startUnixNs").asLong())
          .isEqualTo(end - start);
      assertThat(p.get("gomaxprocs").asInt()).isEqualTo(self.get("gomaxprocs").asInt());
      assertThat(p.get("running").asInt()).isEqualTo(p.get("runningGoids").size());
      JsonNode windows = self.get(p.get("gc").asBoolean() ? "gcWindows" : "readMemStatsWindows");
      assertThat(stream(windows)).as("a call's window around %s", p)
          .anyMatch(w -> w.get(0).asLong() <= start && end <= w.get(1).asLong());
    }
  }

  @Test
  void lockWaitsAreMutexWaitEventsOfTheWaiters() {
    Run run = run("mutex");
    List<JsonNode> waits = run.program("mutex");
    assertThat(waits).hasSize(9 + 3);
    for (JsonNode w : waits) {
      long goid = w.get("goid").asLong();
      String lock = w.get("lock").asText();
      List<JsonNode> events = run.events(goid, "mutex.wait").stream()
          .filter(e -> e.path("lock").asText().equals(lock)).toList();
      assertThat(events).as("one wait of goroutine %d on %s: %s", goid, lock, w).hasSize(1);
      JsonNode e = events.get(0);
      long ns = e.get("ns").asLong();
      assertThat(ns).as("%s %s", w, e).isBetween(w.get("startNs").asLong(),
          w.get("endNs").asLong());
      assertThat(ns + e.get("durationNs").asLong()).isLessThanOrEqualTo(w.get("endNs").asLong())
          .isGreaterThanOrEqualTo(w.get("freedNotBeforeNs").asLong());
      assertThat(e.get("kind").asText()).isEqualTo(w.get("kind").asText());
      long releaser = w.get("kind").asText().equals("mutex") ? w.get("predecessor").asLong()
          : w.get("holder").asLong();
      assertThat(e.get("releaserGoid").asLong()).as("%s %s", w, e).isEqualTo(releaser);
      assertThat(e.get("function").asText()).startsWith(
          w.get("kind").asText().equals("mutex") ? "main.mutexRound." : "main.rwRound.");
      assertThat(e.get("file").asText()).as("%s", e).endsWith("/main.go");
      assertThat(e.get("line").asLong()).as("%s %s", w, e).isEqualTo(w.get("lockLine").asLong());
    }
  }

  @Test
  void blockedReadsAreSyscallEventsAndThreadsLines() {
    Run run = run("syscall");
    List<JsonNode> reads = run.program("syscall");
    assertThat(reads).hasSize(2);
    for (JsonNode r : reads) {
      long goid = r.get("goid").asLong();
      long written = run.program("written").stream()
          .filter(x -> x.get("goid").asLong() == goid).findFirst().orElseThrow()
          .get("writtenNs").asLong();
      List<JsonNode> calls = run.events(goid, "syscall").stream()
          .filter(e -> e.get("ns").asLong() >= r.get("startNs").asLong()
              && e.get("ns").asLong() <= r.get("endNs").asLong()).toList();
      assertThat(calls).as("the read of goroutine %d: %s", goid, r).hasSize(1);
      JsonNode e = calls.get(0);
      assertThat(e.get("ns").asLong()).isLessThan(written);
      assertThat(e.get("ns").asLong() + e.get("durationNs").asLong())
          .isGreaterThanOrEqualTo(written).isLessThanOrEqualTo(r.get("endNs").asLong());
      assertThat(e.get("syscall").asText()).isEqualTo("syscall.read");
      assertThat(e.get("function").asText()).isEqualTo("main.blockedRead");
      assertThat(e.get("line").asLong()).as("%s %s", r, e).isEqualTo(r.get("readLine").asLong());
      assertThat(e.path("lockedToThread").asBoolean()).isEqualTo(r.get("locked").asBoolean());
    }
    // Every second while both block: one threads line listing both.
    List<Long> goids = stream(run.program("blocked").get(0).get("goids"))
        .map(JsonNode::asLong).toList();
    assertThat(run.lines("threads")).as("threads lines")
        .anyMatch(t -> stream(t.get("blocked")).map(b -> b.get("goid").asLong()).toList()
            .containsAll(goids) && t.get("inSyscall").asInt() >= 2
            && t.get("gomaxprocs").asInt() == run.program("blocked").get(0).get("gomaxprocs")
                .asInt());
  }

  private static java.util.stream.Stream<JsonNode> stream(JsonNode array) {
    return java.util.stream.StreamSupport.stream(array.spliterator(), false);
  }

  private static List<JsonNode> parse(List<String> lines) {
    return lines.stream().filter(l -> l.startsWith("{")).map(l -> {
      try {
        return JSON.readTree(l);
      } catch (IOException e) {
        throw new UncheckedIOException(l, e);
      }
    }).toList();
  }
}
