package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Drives the http-deadline example with its load generator. */
final class HttpDeadline {
  private static final Pattern DONE =
      Pattern.compile("done ok=(\\d+) leaky=(\\d+) slow=(\\d+) failed=(\\d+)");

  /** What one loadgen run reported. */
  record Load(int ok, int leaky, int slow, int failed) {}

  private HttpDeadline() {}

  /** Starts the server on a free loopback port and waits until it accepts connections. */
  static ExampleProcess startServer() {
    ExampleProcess server = ExampleProcess.start(Examples.binary(Examples.HTTP_DEADLINE), "-port", "0");
    server.awaitReady(Duration.ofSeconds(30));
    return server;
  }

  /**
   * Sends {@code requests} requests from 4 clients (every {@code leakyEvery}'th to /leaky, every
   * {@code slowEvery}'th to /slow, 0 = never) and returns what came back. Answers that are not
   * the expected ones (a slow /ok on a loaded machine) are counted, not failed on: the tests
   * look at what goroscope saw.
   */
  static Load load(ExampleProcess server, int requests, int leakyEvery, int slowEvery) {
    String addr = server.readyValue("addr");
    try (ExampleProcess loadgen =
        ExampleProcess.start(
            Examples.binary(Examples.LOADGEN), "-url", "http://" + addr,
            "-requests", Integer.toString(requests), "-concurrency", "4",
            "-leaky-every", Integer.toString(leakyEvery),
            "-slow-every", Integer.toString(slowEvery))) {
      loadgen.awaitExit(Duration.ofSeconds(120));
      String done = loadgen.awaitLine(l -> l.startsWith("done "), Duration.ofSeconds(1));
      Matcher m = DONE.matcher(done);
      assertThat(m.matches()).as(loadgen.transcript()).isTrue();
      return new Load(
          Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
          Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
    }
  }
}
