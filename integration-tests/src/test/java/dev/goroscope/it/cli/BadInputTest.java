package dev.goroscope.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input to the real command line: each is one line on stderr that says what is wrong
 * ({@code goroscope: …}), nothing on stdout, no stack trace, exit code 2 — and the target is
 * left alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class BadInputTest {

  private ExampleProcess target;

  @BeforeAll
  void startTarget() {
    target = ExampleProcess.start(Examples.binary(Examples.WORKER_POOL), "-duration", "150s");
    target.awaitReady(Duration.ofSeconds(30));
  }

  @AfterAll
  void stopTarget() {
    target.close();
  }

  Stream<Arguments> badAttachOptions() {
    return Stream.of(
        Arguments.of("ring buffer over 512 MiB", List.of("--ring-buffer-size", "1073741824"),
            "ring buffer size must be a power of two from 4096 bytes to 512 MiB"),
        Arguments.of("ring buffer not a power of two", List.of("--ring-buffer-size", "3000"),
            "ring buffer size must be a power of two"),
        Arguments.of("ring buffer not a number", List.of("--ring-buffer-size", "4M"),
            "'4M' is not an int"),
        Arguments.of("negative duration", List.of("--leak-threshold", "-5s"),
            "'-5s' is not a duration"),
        Arguments.of("duration without unit", List.of("--partial-interval", "10"),
            "'10' is not a duration"),
        Arguments.of("duration too long", List.of("--duration", "99999999999999999999h"),
            "too long a duration"),
        Arguments.of("zero duration", List.of("--duration", "0s"),
            "duration must be positive"),
        Arguments.of("zero partial interval", List.of("--partial-interval", "0s"),
            "partial"),
        Arguments.of("no goroutines", List.of("--max-goroutines", "0"),
            "max goroutines must be positive"),
        Arguments.of("unknown output", List.of("--output", "console,foo"),
            "--output foo is not an output: use console, jsonl, otlp or html=PATH"),
        Arguments.of("unknown option", List.of("--deeep"),
            "unknown option: '--deeep'"),
        Arguments.of("OTLP without endpoint", List.of("--output", "otlp"),
            "--output otlp needs an endpoint"),
        Arguments.of("bad OTLP protocol", List.of("--otlp-protocol", "udp",
            "--otlp-endpoint", "http://127.0.0.1:4317"), "OTLP settings"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badAttachOptions")
  void badAttachOptionIsOneLine(String what, List<String> options, String message) {
    List<String> args = new ArrayList<>(List.of("attach", "--pid", Long.toString(target.pid())));
    args.addAll(options);
    assertThat(oneLineError(Goroscope.start(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
        args.toArray(String[]::new)))).contains(message);
    assertThat(target.isAlive()).isTrue();
  }

  @Test
  void noTargetIsOneLine() {
    assertThat(oneLineError(Goroscope.start("attach")))
        .contains("missing required argument", "--pid=PID | --exe=PATH");
  }

  @Test
  void unknownSubcommandIsOneLineWithTheSuggestion() {
    assertThat(oneLineError(Goroscope.start("attch")))
        .isEqualTo("goroscope: unmatched argument at index 0: 'attch' (did you mean attach?);"
            + " see 'goroscope --help'");
  }

  @Test
  void missingExecutableIsOneLine() {
    assertThat(oneLineError(Goroscope.start("attach", "--exe", "/no/such/app")))
        .isEqualTo("goroscope: /no/such/app: no such file");
  }

  @Test
  void executableThatIsNotGoIsOneLine(@TempDir Path dir) throws IOException {
    Path notGo = Files.copy(Path.of("/bin/true"), dir.resolve("true"));
    assertThat(oneLineError(Goroscope.start("attach", "--exe", notGo.toString())))
        .contains(notGo + " is not a Go executable");
  }

  /** A Go binary whose build information says Go 1.18: refused at attach, --pid or --exe. */
  @Test
  void unsupportedGoVersionIsOneLine(@TempDir Path dir) throws IOException {
    String version = GoToolchains.version(Toolchain.GO_1_26); // e.g. go1.26.8
    String old = version.replace("go1.26", "go1.18");
    Path binary = dir.resolve("worker-pool-old");
    byte[] bytes = Files.readAllBytes(Examples.binary(Examples.WORKER_POOL));
    assertThat(replaceAll(bytes, version.getBytes(StandardCharsets.US_ASCII),
        old.getBytes(StandardCharsets.US_ASCII))).as("%s in the binary", version).isPositive();
    Files.write(binary, bytes);
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    String refusal = "was built by unsupported Go version " + old + "; goroscope supports go1.19"
        + " to go1.27";
    try (ExampleProcess old118 = ExampleProcess.start(binary, "-duration", "60s")) {
      old118.awaitReady(Duration.ofSeconds(30));
      assertThat(oneLineError(Goroscope.start("attach", "--pid", Long.toString(old118.pid()))))
          .contains(refusal);
      assertThat(old118.isAlive()).isTrue();
    }
    assertThat(oneLineError(Goroscope.start("attach", "--exe", binary.toString())))
        .contains(refusal);
  }

  /**
   * Neither root nor capabilities (setpriv: user nobody, every capability dropped), watching a
   * process of that same user: one line that says what to grant.
   */
  @Test
  void withoutRootOrCapabilitiesIsOneLine(@TempDir Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path binary = Files.copy(Examples.binary(Examples.WORKER_POOL), dir.resolve("worker-pool"));
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> nobody = List.of("setpriv", "--reuid=65534", "--regid=65534",
        "--clear-groups", "--inh-caps=-all", "--bounding-set=-all");
    List<String> pool = new ArrayList<>(nobody);
    pool.addAll(List.of(binary.toString(), "-duration", "60s"));
    try (ExampleProcess own = ExampleProcess.start("worker-pool", pool, dir, Map.of())) {
      own.awaitReady(Duration.ofSeconds(30));
      long pid = Long.parseLong(own.stdout().get(0).substring("pid=".length()));
      List<String> attach = new ArrayList<>(nobody);
      attach.addAll(Goroscope.command("attach", "--pid", Long.toString(pid), "--duration",
          "5s"));
      assertThat(oneLineError(ExampleProcess.start("goroscope", attach, dir, Map.of())))
          .isEqualTo("goroscope: not root and missing CAP_BPF and CAP_PERFMON: run as root or"
              + " grant CAP_BPF and CAP_PERFMON (setcap or docker --cap-add)");
      assertThat(own.isAlive()).isTrue();
    }
  }

  /** Waits for the exit: code 2, one "goroscope: " line on stderr, nothing on stdout. */
  private static String oneLineError(ExampleProcess goroscope) {
    try (goroscope) {
      int code = goroscope.awaitExit(Duration.ofSeconds(60));
      assertThat(code).as(goroscope.transcript()).isEqualTo(2);
      assertThat(goroscope.stderr()).as(goroscope.transcript()).singleElement().asString()
          .startsWith("goroscope: ")
          .doesNotContain("Exception", "internal error", "Usage:");
      assertThat(goroscope.stdout()).as(goroscope.transcript()).isEmpty();
      return goroscope.stderr().get(0);
    }
  }

  private static int replaceAll(byte[] data, byte[] from, byte[] to) {
    int n = 0;
    for (int i = 0; i + from.length <= data.length; i++) {
      if (java.util.Arrays.equals(data, i, i + from.length, from, 0, from.length)) {
        System.arraycopy(to, 0, data, i, to.length);
        n++;
      }
    }
    return n;
  }
}
