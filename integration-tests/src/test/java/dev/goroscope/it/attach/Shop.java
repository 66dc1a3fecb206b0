package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The otel-http example (examples/otel-http) run the way its README says: the pricing and the
 * frontend service export their spans to goroscope's OTLP receiver, goroscope watches the
 * frontend and forwards everything to a Jaeger. {@link #exercise} sends the requests; what the
 * frontend printed about its spans and goroutines is parsed into {@link PrintedSpan}s and
 * {@link PrintedGoroutine}s to compare with what reaches Jaeger.
 */
final class Shop implements AutoCloseable {

  static final Pattern SPAN = Pattern.compile(
      "span name=(\\S+) trace=([0-9a-f]{32}) span=([0-9a-f]{16}) sampled=(true|false)"
          + " goroutine=(\\d+)");
  static final Pattern GOROUTINE = Pattern.compile(
      "goroutine role=(\\S+) goroutine=(\\d+) under=([0-9a-f]{16}) trace=([0-9a-f]{32})");

  /** A span the frontend started, as it printed it. */
  record PrintedSpan(String name, String traceId, String spanId, boolean sampled, long goid) {}

  /** A goroutine the frontend started, and the span that was open where it was created. */
  record PrintedGoroutine(String role, long goid, String underSpanId, String traceId) {}

  final String frontendService;
  final String pricingService;
  final String goroscopeService;
  final String unsampledTrace = randomHex(16);
  final ExampleProcess pricing;
  final ExampleProcess frontend;
  final int grpcPort;
  final int httpPort;
  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  private Shop(String id, ExampleProcess pricing, ExampleProcess frontend, int grpcPort,
      int httpPort) {
    this.frontendService = "it-shop-frontend-" + id;
    this.pricingService = "it-shop-pricing-" + id;
    this.goroscopeService = "it-shop-goroutines-" + id;
    this.pricing = pricing;
    this.frontend = frontend;
    this.grpcPort = grpcPort;
    this.httpPort = httpPort;
  }

  /** The example's module directory. */
  static Path moduleDir() {
    return Examples.moduleDir().resolve("otel-http");
  }

  /** The frontend built with {@code toolchain} in {@code mode}. */
  static Path frontend(Toolchain toolchain, Mode mode) {
    return GoToolchains.build(moduleDir(), "./frontend", toolchain, mode);
  }

  /**
   * Starts both services (not yet watched), exporting to receivers on two free ports that
   * goroscope will listen on; the SDK's exporters retry until it does.
   */
  static Shop start(Path frontendBinary) throws IOException {
    int grpcPort = freePort();
    int httpPort = freePort();
    Shop shop = null;
    ExampleProcess pricing = null;
    try {
      String id = UUID.randomUUID().toString().substring(0, 8);
      pricing = ExampleProcess.start("pricing", List.of(GoToolchains.build(moduleDir(),
              "./pricing", Toolchain.GO_1_26, Mode.NORMAL).toString(), "-port", "0"),
          moduleDir(), env("it-shop-pricing-" + id, httpPort));
      String pricingAddr = pricing.readyValue("addr");
      ExampleProcess frontend = ExampleProcess.start("frontend",
          List.of(frontendBinary.toString(), "-port", "0", "-pricing", "http://" + pricingAddr),
          frontendBinary.getParent(), env("it-shop-frontend-" + id, httpPort));
      shop = new Shop(id, pricing, frontend, grpcPort, httpPort);
      frontend.awaitReady(Duration.ofSeconds(30));
      return shop;
    } catch (RuntimeException e) {
      if (shop != null) {
        shop.close();
      } else if (pricing != null) {
        pricing.close();
      }
      throw e;
    }
  }

  private static Map<String, String> env(String service, int httpPort) {
    return Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + httpPort,
        "OTEL_SERVICE_NAME", service, "OTEL_BSP_SCHEDULE_DELAY", "200");
  }

  /** {@code goroscope attach} on the frontend with both receivers, forwarding to {@code otlp}. */
  AttachRun attach(URI otlpGrpc, String... more) {
    List<String> args = new ArrayList<>(List.of("attach", "--pid",
        Long.toString(frontend.pid()), "--otlp-receiver", Integer.toString(grpcPort),
        "--otlp-http-receiver", Integer.toString(httpPort), "--otlp-endpoint",
        otlpGrpc.toString(), "--otlp-protocol", "grpc", "--service-name", goroscopeService));
    args.addAll(List.of(more));
    return AttachRun.start(args.toArray(String[]::new));
  }

  /**
   * The requests: a checkout (fan-out) and, unsampled by the caller's traceparent, another; the
   * deadline-overrun report (504); the async job. Waits until the frontend printed all of it.
   */
  void exercise() throws Exception {
    assertThat(get("/checkout?items=3", null).statusCode()).isEqualTo(200);
    assertThat(get("/report", null).statusCode()).isEqualTo(504);
    assertThat(get("/async", null).statusCode()).isEqualTo(200);
    assertThat(get("/checkout?items=2", "00-" + unsampledTrace + "-" + randomHex(8) + "-00")
        .statusCode()).isEqualTo(200);
    // 4 requests: server spans + fan-out + 3 prices + report + async-job + enqueue + fan-out + 2
    frontend.awaitLine(l -> spans().size() == 4 + 1 + 3 + 1 + 2 + 1 + 2,
        Duration.ofSeconds(30));
    // the audits and after-job goroutines print last
    frontend.awaitLine(l -> goroutines().size() == 3 + 1 + 1 + 3 + 2 + 1,
        Duration.ofSeconds(30));
  }

  private HttpResponse<String> get(String path, String traceparent) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://"
        + frontend.readyValue("addr") + path)).timeout(Duration.ofSeconds(10));
    if (traceparent != null) {
      b.header("traceparent", traceparent);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  List<PrintedSpan> spans() {
    List<PrintedSpan> out = new ArrayList<>();
    for (String l : frontend.stdout()) {
      Matcher m = SPAN.matcher(l);
      if (m.matches()) {
        out.add(new PrintedSpan(m.group(1), m.group(2), m.group(3),
            Boolean.parseBoolean(m.group(4)), Long.parseLong(m.group(5))));
      }
    }
    return out;
  }

  List<PrintedGoroutine> goroutines() {
    List<PrintedGoroutine> out = new ArrayList<>();
    for (String l : frontend.stdout()) {
      Matcher m = GOROUTINE.matcher(l);
      if (m.matches()) {
        out.add(new PrintedGoroutine(m.group(1), Long.parseLong(m.group(2)), m.group(3),
            m.group(4)));
      }
    }
    return out;
  }

  /** The one printed span named {@code name} in a sampled trace. */
  PrintedSpan sampled(String name) {
    List<PrintedSpan> found = spans().stream().filter(s -> s.name().equals(name) && s.sampled())
        .toList();
    assertThat(found).as("printed %s spans\n%s", name, frontend.transcript()).hasSize(1);
    return found.get(0);
  }

  /** Stops the frontend (SIGTERM: it flushes its spans and exits 0). */
  void stopFrontend() {
    assertThat(frontend.stop(Duration.ofSeconds(30))).as(frontend.transcript()).isZero();
  }

  @Override
  public void close() {
    frontend.close();
    pricing.close();
  }

  static String randomHex(int bytes) {
    byte[] b = new byte[bytes];
    new SecureRandom().nextBytes(b);
    b[0] |= 1; // never all zero
    return HexFormat.of().formatHex(b);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
