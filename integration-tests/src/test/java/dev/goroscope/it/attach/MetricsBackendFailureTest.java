package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import dev.goroscope.it.jaeger.JaegerExtension;
import dev.goroscope.it.jaeger.JaegerServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The metrics backend is down (a port nothing listens on) or refuses (a wrong path: HTTP 404)
 * while the spans go to a real Jaeger: the packaged command says so in one line naming the
 * metrics endpoint, counts the lost data points in its summary, prints no stack trace, exits 0,
 * and the spans still arrive. worker-pool is the target; metrics are pushed every 500 ms.
 */
@ExtendWith(JaegerExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class MetricsBackendFailureTest {

  @ParameterizedTest(name = "metrics backend {0}")
  @ValueSource(strings = {"down", "wrong-path"})
  void aFailingMetricsBackendIsOneLineAndTheSpansStillArrive(String backend, JaegerServer jaeger) {
    String metricsEndpoint = backend.equals("down")
        ? "http://127.0.0.1:" + unusedPort() + "/v1/metrics"
        : jaeger.otlpHttpEndpoint() + "/no/such/path/v1/metrics";
    String service = "it-metrics-" + backend;
    Map<String, String> env = Map.of(
        "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", jaeger.otlpHttpTracesEndpoint().toString(),
        "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", metricsEndpoint,
        "OTEL_METRIC_EXPORT_INTERVAL", "500");
    try (ExampleProcess pool = ExampleProcess.start(Examples.binary(Examples.WORKER_POOL),
        "-workers", "4", "-jobs", "16", "-duration", "120s")) {
      pool.awaitReady(Duration.ofSeconds(30));
      try (AttachRun attach = AttachRun.start(env, "attach", "--pid", Long.toString(pool.pid()),
          "--duration", "4s", "--output", "otlp", "--service-name", service)) {
        AttachRun.Summary summary = attach.awaitSummary(); // asserts exit code 0
        List<String> stderr = attach.process().stderr();
        String transcript = attach.transcript();

        Pattern first = Pattern.compile("goroscope: OTLP metrics export failed \\("
            + Pattern.quote(metricsEndpoint) + "\\): [1-9]\\d* data points? dropped so far"
            + " \\(last error: (.+)\\)");
        List<String> firstLines = stderr.stream().filter(l -> l.contains("metrics export failed"))
            .toList();
        assertThat(firstLines).as("one line at the first failed push\n%s", transcript)
            .hasSize(1);
        Matcher m = first.matcher(firstLines.get(0));
        assertThat(m.matches()).as("%s\n%s", firstLines.get(0), transcript).isTrue();
        if (backend.equals("wrong-path")) {
          assertThat(m.group(1)).as("the backend's answer").startsWith("HTTP 404");
        } else {
          assertThat(m.group(1)).as("why").containsIgnoringCase("connect");
        }

        Pattern total = Pattern.compile("goroscope: OTLP metrics export dropped ([1-9]\\d*) data"
            + " points in ([1-9]\\d*) failed exports? \\(last error: .+\\)");
        List<String> totals = stderr.stream().filter(l -> total.matcher(l).matches()).toList();
        assertThat(totals).as("the summary counts what was lost\n%s", transcript).hasSize(1);
        Matcher t = total.matcher(totals.get(0));
        assertThat(t.matches()).isTrue();
        // Pushed every 500 ms for 4 s, and once more at the end: several failed pushes.
        assertThat(Long.parseLong(t.group(2))).as("failed pushes\n%s", transcript)
            .isGreaterThanOrEqualTo(3);

        assertThat(stderr).as("no stack trace, nothing but goroscope's lines\n%s", transcript)
            .noneMatch(l -> l.contains("\tat ") || l.contains("Exception"))
            .allMatch(l -> l.startsWith("goroscope: "));
        assertThat(stderr).as("the spans lost nothing\n%s", transcript)
            .noneMatch(l -> l.contains("OTLP export dropped"));
        assertThat(summary.spans()).as("spans exported").isPositive();
        Spans.awaitAll(jaeger.query(), service, summary.spans()); // all of them, or fails
      }
    }
  }

  /** A loopback port nothing listens on (bound, then closed). */
  private static int unusedPort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
