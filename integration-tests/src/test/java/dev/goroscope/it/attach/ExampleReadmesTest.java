package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.cli.Goroscope;
import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every shell block of the examples' READMEs, run as written (bash, from the repository root, as
 * root) and checked against what the README says it shows. Each block runs in a network and
 * mount namespace of its own (loopback up, a private /tmp), so the fixed port 8080 and the /tmp
 * paths of the READMEs cannot collide with anything else on the machine; whatever a block leaves
 * running is killed after it. A README with a block this test does not know fails it.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ExampleReadmesTest {
  private static final Pattern BLOCK = Pattern.compile("```sh\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern SUMMARY = Pattern.compile(
      "goroscope: 1 process, \\d+ goroutines seen, \\d+ spans exported, \\d+ contexts with a"
          + " deadline, (\\d+) deadline overruns, (\\d+) events lost");

  private final Path repo = Examples.moduleDir().getParent();

  @Test
  void examplesReadme() throws IOException {
    List<String> blocks = blocks("examples/README.md");
    assertThat(blocks).hasSize(1);
    Run build = run(blocks.get(0), "ls /tmp/examples");
    assertThat(build.code).as(build.transcript()).isZero();
    assertThat(build.after).containsExactlyInAnyOrder("http-deadline", "leak", "loadgen",
        "worker-pool");
  }

  @Test
  void workerPoolReadme() throws IOException {
    List<String> blocks = blocks("examples/worker-pool/README.md");
    assertThat(blocks).hasSize(2);

    Run plain = run(blocks.get(0), null);
    assertThat(plain.code).as(plain.transcript()).isZero();
    assertThat(plain.stdout).contains("done rounds=50")
        .filteredOn(l -> l.matches("round \\d+: 32 jobs, 4 workers, checksum [0-9a-f]{8}"))
        .hasSize(50);

    Run watched = run(blocks.get(1), null);
    assertThat(watched.code).as(watched.transcript()).isZero();
    assertThat(watched.stdout).as(watched.transcript())
        .anyMatch(l -> l.startsWith("trace "))
        .anyMatch(l -> l.matches("└─ runtime\\.main  g1  .*still running.*"))
        .noneMatch(l -> l.contains("LEAK?") || l.contains("DEADLINE OVERRUN"));
    long produce = count(watched.stdout, "main.produce");
    long workers = count(watched.stdout, "main.worker");
    long collect = count(watched.stdout, "main.collect");
    assertThat(produce).as("rounds seen in 10 s").isGreaterThanOrEqualTo(30);
    // Per round one producer, four workers, one collector (the rounds cut by the attach and
    // the stop may show part of theirs).
    assertThat(workers).isBetween(4 * produce - 8, 4 * produce + 8);
    assertThat(collect).isBetween(produce - 2, produce + 2);
    assertThat(watched.stdout).filteredOn(l -> l.matches(".*main\\.(produce|worker|collect)  .*"))
        .allMatch(l -> l.contains("← main.runRound main.go:"));
    assertThat(overruns(watched)).isZero();
  }

  @Test
  void leakReadme() throws IOException {
    List<String> blocks = blocks("examples/leak/README.md");
    assertThat(blocks).hasSize(2);

    Run plain = run(blocks.get(0), null);
    assertThat(plain.code).as(plain.transcript()).isZero();
    assertThat(plain.stdout).last().isEqualTo("done leaked=50");

    Run watched = run(blocks.get(1), null);
    assertThat(watched.code).as(watched.transcript()).isZero();
    List<String> flagged = watched.stdout.stream().filter(l -> l.contains("LEAK?")).toList();
    assertThat(flagged).as(watched.transcript())
        .allMatch(l -> l.matches(".*(main\\.waitForReply|os/signal\\.NotifyContext\\.func1)  .*"));
    assertThat(flagged).filteredOn(l -> l.contains("main.waitForReply"))
        .hasSizeGreaterThanOrEqualTo(20)
        .allMatch(l -> l.contains("waiting (chan receive)"));
    assertThat(flagged).filteredOn(l -> l.contains("os/signal.NotifyContext.func1")).hasSize(1);
    assertThat(watched.stdout).anyMatch(l -> l.contains("main.heartbeat  "))
        .anyMatch(l -> l.contains("main.handleReply  "));
    assertThat(watched.stderr).as(watched.transcript())
        .anyMatch(l -> l.matches("goroscope: \\d+ leak candidates in 2 groups:"))
        .anyMatch(l -> l.matches("  \\d+ × main\\.waitForReply  created at main\\.request .*"
            + "waiting: chan receive .*"));
  }

  @Test
  void httpDeadlineReadme() throws IOException {
    List<String> blocks = blocks("examples/http-deadline/README.md");
    assertThat(blocks).hasSize(2);

    Run plain = run(blocks.get(0), null);
    assertThat(plain.code).as(plain.transcript()).isZero();
    assertThat(plain.stdout).as(plain.transcript())
        .contains("done ok=180 leaky=20 slow=0 failed=0", "done requests=200 overruns=20");

    Run watched = run(blocks.get(1), null);
    assertThat(watched.code).as(watched.transcript()).isZero();
    List<String> overrun = watched.stdout.stream()
        .filter(l -> l.contains("DEADLINE OVERRUN")).toList();
    assertThat(overrun).as(watched.transcript()).isNotEmpty()
        .allMatch(l -> l.contains("main.(*server).audit  "));
    assertThat(overruns(watched)).isEqualTo(overrun.size());
    assertThat(watched.stdout)
        .anyMatch(l -> l.matches("└─ net/http\\.\\(\\*conn\\)\\.serve  .*"));
    assertThat(watched.stdout).filteredOn(l -> l.contains("main.lookup  "))
        .hasSizeGreaterThanOrEqualTo(100)
        .noneMatch(l -> l.contains("DEADLINE OVERRUN"));
  }

  /** The README's {@code ```sh} blocks, in order. */
  private List<String> blocks(String readme) throws IOException {
    List<String> out = new ArrayList<>();
    Matcher m = BLOCK.matcher(Files.readString(repo.resolve(readme)));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  /** What one block printed, and what {@code check} printed after it, in the same namespace. */
  private record Run(int code, List<String> stdout, List<String> stderr, List<String> after,
      String transcript) {}

  private Run run(String block, String check) {
    Goroscope.jar(); // the launcher runs it; fail clearly when it is not built
    String marker = "@@ after the block @@";
    // A checkout under /tmp (a clean clone there) would vanish under the private /tmp: it is
    // held at /mnt first and bound back at its own path.
    String setUp = repo.toString().startsWith("/tmp/")
        ? "ip link set lo up && mount --bind '" + repo + "' /mnt && mount -t tmpfs tmpfs /tmp"
            + " && mkdir -p '" + repo + "' && mount --bind /mnt '" + repo + "' || exit 97"
        : "ip link set lo up && mount -t tmpfs tmpfs /tmp || exit 97";
    String script = String.join("\n",
        setUp,
        "cd '" + repo + "'",
        "( " + block + " )", // as written, in a subshell so that an exit in it is its status
        "status=$?",
        check == null ? "" : "echo '" + marker + "'; " + check,
        "exit $status");
    List<String> command = List.of("setsid", "unshare", "--net", "--mount", "--propagation",
        "private", "bash", "-c", script);
    try (ExampleProcess p = ExampleProcess.start("readme", command, repo,
        Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "", "OTEL_SERVICE_NAME", ""))) {
      int code;
      try {
        code = p.awaitExit(Duration.ofMinutes(3));
      } finally {
        killGroup(p.pid()); // what the block left running
      }
      List<String> out = p.stdout();
      int at = out.indexOf(marker);
      List<String> stdout = at < 0 ? out : out.subList(0, at);
      List<String> after = at < 0 ? List.of() : out.subList(at + 1, out.size());
      assertThat(code).as("namespace set up\n%s", p.transcript()).isNotEqualTo(97);
      return new Run(code, stdout, p.stderr(), after, "--- block:\n" + block + p.transcript());
    }
  }

  private static void killGroup(long pgid) {
    try {
      new ProcessBuilder("kill", "-KILL", "--", "-" + pgid).start().waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long count(List<String> lines, String startFunction) {
    return lines.stream().filter(l -> l.contains("─ " + startFunction + "  ")).count();
  }

  private static long overruns(Run run) {
    for (String l : run.stderr) {
      Matcher m = SUMMARY.matcher(l);
      if (m.matches()) {
        assertThat(Long.parseLong(m.group(2))).as("events lost").isZero();
        return Long.parseLong(m.group(1));
      }
    }
    throw new AssertionError("no summary line\n" + run.transcript());
  }
}
