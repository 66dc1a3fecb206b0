package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.cli.Goroscope;
import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import dev.goroscope.it.jaeger.JaegerExtension;
import dev.goroscope.it.jaeger.JaegerServer;
import dev.goroscope.it.jaeger.JaegerSpan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** What goroscope does when its target dies under it or is not something it can watch. */
@ExtendWith(JaegerExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class TargetFaultsTest {

  @Test
  void targetKilledMidRunIsFlushedAndGoroscopeExitsZero(JaegerServer jaeger) {
    String service = "it-target-killed";
    try (ExampleProcess server = HttpDeadline.startServer();
        AttachRun attach =
            AttachRun.start("attach", "--pid", Long.toString(server.pid()), "--output", "otlp",
                "--otlp-endpoint", jaeger.otlpHttpEndpoint().toString(),
                "--otlp-protocol", "http/protobuf", "--service-name", service)) {
      HttpDeadline.Load load = HttpDeadline.load(server, 20, 5, 0);
      // Audits still running (300 ms each) when the server dies with no chance to clean up.
      kill(server.pid());
      assertThat(server.awaitExit(Duration.ofSeconds(10))).isEqualTo(128 + 9);

      AttachRun.Summary summary = attach.awaitSummary();
      assertThat(attach.process().stderr()).contains("goroscope: pid " + server.pid() + " exited");
      assertThat(summary.spans()).isPositive();
      List<JaegerSpan> spans =
          Spans.flatten(Spans.awaitAll(jaeger.query(), service, summary.spans()));
      assertThat(Spans.startedIn(spans, "main.lookup")).hasSize(load.ok() + load.leaky() + load.failed());
      // Goroutines alive at the kill end with the process, not later.
      assertThat(spans).allSatisfy(s -> assertThat(s.durationMicros()).isNotNegative());
      assertThat(spans.stream().filter(s -> s.tag("goroutine.state").filter("process_exited"::equals).isPresent()))
          .as("goroutines still alive when the process was killed").isNotEmpty();
    }
  }

  @Test
  void pidOfANonGoProcessIsAClearError() {
    try (ExampleProcess sleep =
        ExampleProcess.start("sleep", List.of("sleep", "60"), Path.of("/"), Map.of())) {
      assertOneLineError(Goroscope.start("attach", "--pid", Long.toString(sleep.pid())));
      assertThat(sleep.isAlive()).as("the process is left alone").isTrue();
    }
  }

  @Test
  void missingPidIsAClearError() throws IOException {
    // pid_max itself is never a pid.
    String pidMax = Files.readString(Path.of("/proc/sys/kernel/pid_max")).trim();
    String error = assertOneLineError(Goroscope.start("attach", "--pid", pidMax));
    assertThat(error).contains(pidMax);
  }

  private static String assertOneLineError(ExampleProcess goroscope) {
    try (goroscope) {
      int code = goroscope.awaitExit(Duration.ofSeconds(60));
      assertThat(code).as(goroscope.transcript()).isEqualTo(2);
      assertThat(goroscope.stderr()).as(goroscope.transcript()).singleElement().asString()
          .startsWith("goroscope: ")
          .doesNotContain("Exception");
      assertThat(goroscope.stdout()).as(goroscope.transcript()).isEmpty();
      return goroscope.stderr().get(0);
    }
  }

  /** SIGKILL: no handler, no cleanup in the target. */
  private static void kill(long pid) {
    assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();
  }
}
