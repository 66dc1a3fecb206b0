package dev.goroscope.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.goroscope.otel.export.OtlpSettings;
import dev.goroscope.otel.export.OtlpSetup;
import dev.goroscope.otel.receiver.ForwardConfig;
import dev.goroscope.otel.receiver.Signal;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The receiver flags: errors are one line before anything is attached; settings map through. */
class ReceiverOptionsTest {

  record Run(int code, String err) {}

  static Run attach(String... extra) {
    String[] args = new String[extra.length + 3];
    args[0] = "attach";
    args[1] = "--pid";
    args[2] = Long.toString(ProcessHandle.current().pid());
    System.arraycopy(extra, 0, args, 3, extra.length);
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(new StringWriter()), new PrintWriter(err));
    return new Run(code, err.toString().strip());
  }

  @Test
  void needsAnEndpointToForwardTo() {
    assumeTrue(System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == null
        && System.getenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == null,
        "an OTLP endpoint is configured in this environment");
    Run r = attach("--otlp-receiver", "0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("goroscope: --otlp-receiver needs an endpoint to forward to:"
        + " set --otlp-endpoint or OTEL_EXPORTER_OTLP_ENDPOINT");
  }

  @Test
  void badValuesAreOneLine() throws Exception {
    Run bad = attach("--otlp-receiver", "abc", "--otlp-endpoint", "http://127.0.0.1:9");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).isEqualTo("goroscope: --otlp-receiver 'abc' is not [HOST:]PORT, e.g."
        + " 4317, 127.0.0.1:4317, 0.0.0.0:4317 or [::1]:4317");
    Run half = attach("--otlp-http-receiver", "0", "--otlp-endpoint", "http://127.0.0.1:9",
        "--otlp-receiver-tls-cert", "/nonexistent/cert.pem");
    assertThat(half.err()).isEqualTo("goroscope: --otlp-receiver-tls-cert and"
        + " --otlp-receiver-tls-key go together");
    Run auth = attach("--otlp-http-receiver", "0", "--otlp-endpoint", "http://127.0.0.1:9",
        "--otlp-receiver-auth-header", "Bearer x");
    assertThat(auth.err()).isEqualTo("goroscope: receiver auth header must be NAME=VALUE, e.g."
        + " \"authorization=Bearer TOKEN\"");
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Run inUse = attach("--otlp-receiver", Integer.toString(busy.getLocalPort()),
          "--otlp-endpoint", "http://127.0.0.1:9");
      assertThat(inUse.code()).isEqualTo(2);
      assertThat(inUse.err()).isEqualTo("goroscope: otlp gRPC receiver: cannot listen on"
          + " 127.0.0.1:" + busy.getLocalPort() + ": address already in use");
    }
  }

  @Test
  void forwardsWhereGoroscopesOwnSpansGo() {
    // OTEL_EXPORTER_OTLP_ENDPOINT and friends, as the SDK's configuration reads them.
    OtlpSettings http = OtlpSetup.builder()
        .setProperty("otel.exporter.otlp.endpoint", "https://collector:4318")
        .setProperty("otel.exporter.otlp.headers", "x-tenant=t1")
        .setProperty("otel.exporter.otlp.compression", "gzip")
        .setProperty("otel.exporter.otlp.timeout", "1500")
        .setProperty("otel.exporter.otlp.certificate", "/etc/ca.pem").settings();
    ForwardConfig f = ReceiverOptions.forwardConfig(http);
    assertThat(f.protocol()).isEqualTo(ForwardConfig.Protocol.HTTP_PROTOBUF);
    assertThat(f.endpoint(Signal.TRACES)).isEqualTo(URI.create("https://collector:4318/v1/traces"));
    assertThat(f.endpoint(Signal.METRICS))
        .isEqualTo(URI.create("https://collector:4318/v1/metrics"));
    assertThat(f.endpoint(Signal.LOGS)).isEqualTo(URI.create("https://collector:4318/v1/logs"));
    assertThat(f.headers()).containsExactlyEntriesOf(Map.of("x-tenant", "t1"));
    assertThat(f.gzip()).isTrue();
    assertThat(f.timeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(f.trustedCertificates()).hasToString("/etc/ca.pem");

    ForwardConfig g = ReceiverOptions.forwardConfig(OtlpSetup.builder()
        .setEndpoint("http://jaeger:4317").setProtocol("grpc").settings());
    assertThat(g.protocol()).isEqualTo(ForwardConfig.Protocol.GRPC);
    assertThat(g.endpoint(Signal.LOGS)).isEqualTo(URI.create("http://jaeger:4317"));
    assertThat(g.gzip()).isFalse();
  }
}
