package dev.goroscope.cli;

import static dev.goroscope.cli.InspectCommandTest.assertBadInput;
import static dev.goroscope.cli.InspectCommandTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goroscope.cli.InspectCommandTest.Result;
import dev.goroscope.sample.StateProgram;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code goroscope dump} on running programs: the text is what the program's own {@code
 * runtime.Stack(buf, true)} prints (arguments aside), the JSON carries every documented field
 * with the right values, bad input is one line and exit 2, and 100,000 goroutines dump.
 */
class DumpCommandTest {

  @ParameterizedTest
  @EnumSource(Toolchain.class)
  void textIsWhatTheProgramsOwnDumpPrints(Toolchain toolchain) throws Exception {
    try (StateProgram prog = StateProgram.start(toolchain, Mode.STRIPPED)) {
      String pid = Integer.toString(prog.pid());
      Map<Long, String> go = StateProgram.blocks(prog.goDump());
      Result text = run("dump", "--pid", pid);
      assertThat(text.code()).isZero();
      assertThat(text.err()).isEmpty();
      Map<Long, String> ours = StateProgram.blocks(text.out());
      assertThat(ours.keySet()).isEqualTo(go.keySet());
      long spinner = goidOf(json(run("dump", "--json", "--pid", pid)), "main.spinner");
      for (long goid : go.keySet()) {
        if (goid != 1 && goid != spinner) {
          assertThat(ours.get(goid).stripTrailing()).as("goroutine %d", goid)
              .isEqualTo(StateProgram.withoutArguments(go.get(goid).stripTrailing()));
        }
      }
      // GOTRACEBACK=system style: runtime frames and the runtime's own goroutines too
      Result system = run("dump", "--system", "--pid", pid);
      assertThat(StateProgram.blocks(system.out()).size()).isGreaterThan(go.size());
      assertThat(system.out()).contains("runtime.gopark(...)").contains("runtime.goexit(...)");
    }
  }

  @Test
  void jsonCarriesEveryFieldWithTheProgramsValues() throws Exception {
    try (StateProgram prog = StateProgram.start(Toolchain.GO_1_26, Mode.NORMAL)) {
      Result r = run("dump", "--json", "--pid", Integer.toString(prog.pid()));
      assertThat(r.code()).isZero();
      JsonNode all = json(r);
      assertThat(all.isArray()).isTrue();
      for (JsonNode g : all) {
        for (String f : List.of("goid", "status", "waitReason", "waitSinceNs", "parentGoid",
            "startFunction", "createdBy", "lockedToThread", "stack", "channel", "semaphore")) {
          assertThat(g.has(f)).as("field %s", f).isTrue();
        }
      }
      JsonNode sender = first(all, "main.sender");
      assertThat(sender.get("status").asText()).isEqualTo("waiting");
      assertThat(sender.get("waitReason").asText()).isEqualTo("chan send");
      assertThat(sender.get("parentGoid").asLong()).isEqualTo(1);
      assertThat(sender.get("createdBy").get("function").asText()).isEqualTo("main.main");
      assertThat(sender.get("createdBy").get("file").asText()).endsWith("/stateprog/main.go");
      assertThat(sender.get("createdBy").get("line").asInt()).isPositive();
      assertThat(sender.get("lockedToThread").asBoolean()).isFalse();
      assertThat(sender.get("stack").get(0).get("function").asText()).isEqualTo("main.sender");
      assertThat(sender.get("stack").get(0).get("file").asText()).endsWith("main.go");
      JsonNode ch = sender.get("channel");
      assertThat(ch.get("address").asText())
          .isEqualTo("0x" + Long.toHexString(prog.address("full")));
      assertThat(ch.get("elemType").asText()).isEqualTo("main.job");
      assertThat(ch.get("capacity").asLong()).isEqualTo(3);
      assertThat(ch.get("length").asLong()).isEqualTo(3);
      assertThat(ch.get("closed").asBoolean()).isFalse();
      assertThat(ch.get("waitingSenders").asInt()).isEqualTo(4);
      assertThat(ch.get("waitingReceivers").asInt()).isZero();
      assertThat(sender.get("semaphore").isNull()).isTrue();
      JsonNode waiter = first(all, "main.mutexWaiter");
      assertThat(waiter.get("semaphore").asText())
          .isEqualTo("0x" + Long.toHexString(prog.address("mu") + 4));
      assertThat(waiter.get("channel").isNull()).isTrue();
      assertThat(first(all, "main.lockedWaiter").get("lockedToThread").asBoolean()).isTrue();
      assertThat(first(all, "main.selector").get("channels")).hasSize(2);
      assertThat(first(all, "main.pipeReader").get("status").asText()).isEqualTo("syscall");
      JsonNode main = all.get(0);
      assertThat(main.get("goid").asLong()).isEqualTo(1);
      assertThat(main.get("startFunction").asText()).isEqualTo("runtime.main");
    }
  }

  @Test
  void badInputIsOneLineAndExit2() throws Exception {
    assertBadInput(run("dump"), "dump needs --pid N");
    assertBadInput(run("dump", "--pid", "0"), "is not a process id");
    assertBadInput(run("dump", "--pid", "999999999"), "no process with pid 999999999");
    Process notGo = new ProcessBuilder("sleep", "30").start();
    try {
      assertBadInput(run("dump", "--pid", Long.toString(notGo.pid())), "is not a Go program");
    } finally {
      notGo.destroyForcibly();
      notGo.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void dumpsAHundredThousandGoroutines() throws Exception {
    Process target = new ProcessBuilder(
        GoToolchains.build("manyprog", Toolchain.GO_1_26, Mode.NORMAL).toString(), "100000")
        .start();
    try {
      BufferedReader out = new BufferedReader(
          new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("ready");
      Result r = run("dump", "--pid", Long.toString(target.pid()));
      assertThat(r.code()).isZero();
      assertThat(r.err()).isEmpty();
      long headers = r.out().lines().filter(l -> l.startsWith("goroutine ")).count();
      assertThat(headers).isGreaterThanOrEqualTo(100_001); // the workers and main
      assertThat(r.out()).contains("main.handle(...)").contains("created by main.main");
    } finally {
      target.getOutputStream().close();
      target.destroyForcibly();
      target.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static JsonNode json(Result r) throws Exception {
    assertThat(r.code()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  private static long goidOf(JsonNode all, String startFunction) {
    return first(all, startFunction).get("goid").asLong();
  }

  private static JsonNode first(JsonNode all, String startFunction) {
    List<JsonNode> found = new ArrayList<>();
    all.forEach(g -> {
      if (g.get("startFunction").asText().equals(startFunction)) {
        found.add(g);
      }
    });
    assertThat(found).as(startFunction).isNotEmpty();
    return found.get(0);
  }

}
