package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.goroscope.probe.ProbeSelection;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code src/test/go/runtimeprog MODE} (a Go program that reports its own runtime work as
 * JSON lines) under a real {@link Attacher} with the given probes, until the program exits.
 */
final class RuntimeProgram {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One run.
   *
   * @param lines what the program printed about itself
   * @param sink everything goroscope recorded
   * @param log goroscope's own messages (notes, the attach line)
   * @param pid the program's pid
   */
  record Run(List<JsonNode> lines, RecordingSink sink, String log, int pid) {

    /** The program's lines of one mode. */
    List<JsonNode> lines(String mode) {
      return lines.stream().filter(l -> l.path("mode").asText().equals(mode)).toList();
    }

    /** The last record of a goroutine (its end: exit or process end). */
    GoroutineRecord last(long goid) {
      GoroutineRecord last = null;
      for (GoroutineRecord r : sink.goroutines) {
        if (r.goid() == goid && r.pid() == pid) {
          last = r;
        }
      }
      assertThat(last).as("a record of goroutine %d in %s", goid, log).isNotNull();
      return last;
    }

    /** The events named {@code name} of a goroutine's last record. */
    List<GoroutineEvent> events(long goid, String name) {
      return last(goid).events().stream().filter(e -> e.name().equals(name)).toList();
    }
  }

  private RuntimeProgram() {}

  static Run run(Toolchain toolchain, Mode mode, String programMode, ProbeSelection probes)
      throws Exception {
    Path binary = GoToolchains.build("runtimeprog", toolchain, mode);
    Process target = new ProcessBuilder(binary.toString(), programMode)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    RecordingSink sink = new RecordingSink();
    StringWriter log = new StringWriter();
    Attacher attacher = new Attacher(
        AttachConfig.builder().setPid((int) target.pid()).setProbes(probes).build(),
        new GoTargetPlanner(), sink, () -> 0, () -> 0, new PrintWriter(log, true), false);
    try {
      CompletableFuture<AttachSummary> run = CompletableFuture.supplyAsync(attacher::run);
      AttachEndToEndTest.awaitAttached(log, run);
      try (OutputStream stdin = target.getOutputStream()) {
        stdin.write("go\n".getBytes(StandardCharsets.UTF_8));
      }
      List<JsonNode> lines = new ArrayList<>();
      BufferedReader out = new BufferedReader(
          new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
      for (String l = out.readLine(); l != null; l = out.readLine()) {
        lines.add(JSON.readTree(l));
      }
      assertThat(target.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(target.exitValue()).as("runtimeprog %s exit", programMode).isZero();
      run.get(60, TimeUnit.SECONDS); // stops by itself once the --pid target is gone
      return new Run(lines, sink, log.toString(), (int) target.pid());
    } finally {
      attacher.requestStop();
      target.destroyForcibly();
    }
  }
}
