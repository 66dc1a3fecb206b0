package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.attach.Shop.PrintedGoroutine;
import dev.goroscope.it.attach.Shop.PrintedSpan;
import dev.goroscope.it.jaeger.JaegerExtension;
import dev.goroscope.it.jaeger.JaegerQuery;
import dev.goroscope.it.jaeger.JaegerServer;
import dev.goroscope.it.jaeger.JaegerSpan;
import dev.goroscope.it.jaeger.JaegerTrace;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Goroutine spans inside the application's own traces, through the real Jaeger: the otel-http
 * example (OpenTelemetry Go SDK v1.47.0 + otelhttp) exports to goroscope's OTLP receivers while
 * goroscope watches it. Built with Go 1.26 (the oldest Go that SDK supports), stripped (offsets
 * from goroscope's SDK table) and with Go 1.27. In each request's trace: the application's server
 * span, its child spans, the pricing service's spans and the goroutine spans under the right
 * application spans; application spans carry {@code goroutine.id} equal to the goroutine the
 * example printed for them; the overrun goroutine is ERROR inside its request's trace; a span
 * ended on another goroutine and one that outlived its goroutine come out right; the unsampled
 * request's goroutines are not exported.
 */
@ExtendWith(JaegerExtension.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class AppSpansJaegerTest {

  private static final Pattern APP_SUMMARY = Pattern.compile("goroscope: application spans:"
      + " (\\d+) started, (\\d+) ended; (\\d+) goroutines joined their traces, (\\d+) not"
      + " exported \\(unsampled\\)");
  private static final Pattern RECEIVER_SUMMARY = Pattern.compile("goroscope: otlp receiver:"
      + " .* (\\d+) enriched, (\\d+) unmatched");
  /** Application spans the frontend exports: 8 for the checkout, 2 for the report, 3 async. */
  private static final int FRONTEND_SPANS = 13;

  static Stream<Arguments> builds() {
    return Stream.of(
        Arguments.of(Toolchain.GO_1_26, Mode.NORMAL),
        Arguments.of(Toolchain.GO_1_26, Mode.STRIPPED),
        Arguments.of(Toolchain.GO_1_27, Mode.NORMAL));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("builds")
  void goroutinesJoinTheApplicationsTraces(Toolchain toolchain, Mode mode, JaegerServer jaeger)
      throws Exception {
    try (Shop shop = Shop.start(Shop.frontend(toolchain, mode))) {
      try (AttachRun attach = shop.attach(jaeger.otlpGrpcEndpoint())) {
        assertThat(attach.process().stderr()).anyMatch(l -> l.endsWith(
            "application spans: OpenTelemetry Go SDK v1.47.0 (goroutines started under a span"
                + " join its trace)"));
        shop.exercise();
        AttachRun.sleep(1000); // the pricing service's batch (200 ms) reaches the receiver
        shop.stopFrontend();
        attach.awaitSummary(); // the target is gone: goroscope flushes and ends by itself
        List<String> err = attach.process().stderr();
        Matcher app = matching(err, APP_SUMMARY, attach);
        // The 14 spans printed and one client span (otelhttp) per price: 19, all ended.
        assertThat(app.group(1)).isEqualTo("19");
        assertThat(app.group(2)).isEqualTo("19");
        assertThat(Long.parseLong(app.group(3))).as("goroutines joined").isGreaterThanOrEqualTo(
            9);
        assertThat(Long.parseLong(app.group(4))).as("goroutines of the unsampled request")
            .isGreaterThanOrEqualTo(3);
        Matcher received = matching(err, RECEIVER_SUMMARY, attach);
        assertThat(received.group(1)).as("frontend spans enriched\n%s", attach.transcript())
            .isEqualTo(Integer.toString(FRONTEND_SPANS));
        assertThat(received.group(2)).as("pricing spans: another process\n%s",
            attach.transcript()).isEqualTo("3");
      }
      assertCheckout(shop, jaeger.query());
      assertReport(shop, jaeger.query());
      assertAsync(shop, jaeger.query());
      // The unsampled request: neither the application nor goroscope exported anything of it.
      assertThat(shop.spans()).filteredOn(s -> !s.sampled()).hasSize(4)
          .allMatch(s -> s.traceId().equals(shop.unsampledTrace));
      assertThat(jaeger.query().trace(shop.unsampledTrace)).isEmpty();
    }
  }

  /**
   * Jaeger is down while the requests run and comes back: the receiver holds the application's
   * enriched spans and goroscope its goroutine spans, and both arrive, joined, after the restart.
   * Its own Jaeger, as it stops it.
   */
  @Test
  void theBackendDownThenUpLosesNothing() throws Exception {
    try (JaegerServer jaeger = JaegerServer.start();
        Shop shop = Shop.start(Shop.frontend(Toolchain.GO_1_26, Mode.NORMAL));
        AttachRun attach = shop.attach(jaeger.otlpGrpcEndpoint())) {
      jaeger.stop();
      shop.exercise();
      AttachRun.sleep(3000); // exports fail meanwhile; both sides retry
      assertThat(attach.process().isAlive()).as(attach.transcript()).isTrue();
      jaeger.restart();
      assertCheckout(shop, jaeger.query());
      shop.stopFrontend();
      attach.awaitSummary();
      assertReport(shop, jaeger.query());
      assertAsync(shop, jaeger.query());
      // Spans and the receiver's requests; a metrics push that fell in the outage is reported
      // on lines of its own (metrics are cumulative: the next push carries its totals).
      assertThat(attach.process().stderr()).noneMatch(l -> l.contains("dropped")
          && !l.contains(" 0 dropped") && !l.startsWith("goroscope: OTLP metrics export"));
    }
  }

  /** The sampled checkout's trace: server span, fan-out, prices, pricing, goroutines. */
  private static void assertCheckout(Shop shop, JaegerQuery query) {
    PrintedSpan server = shop.spans().stream().filter(s -> s.name().equals("server")
        && s.sampled() && shop.spans().stream().anyMatch(f -> f.name().equals("fan-out")
            && f.traceId().equals(s.traceId()))).findFirst().orElseThrow();
    PrintedSpan fanOut = shop.sampled("fan-out");
    List<PrintedSpan> prices = shop.spans().stream()
        .filter(s -> s.name().equals("price") && s.sampled()).toList();
    List<PrintedGoroutine> fetches = shop.goroutines().stream()
        .filter(g -> g.role().equals("fetch-price") && g.traceId().equals(server.traceId()))
        .toList();
    assertThat(prices).hasSize(3);
    assertThat(fetches).hasSize(3);
    // Every printed span, a client span and a pricing span per price, the goroutines.
    JaegerTrace t = await(query, server.traceId(), trace -> printedIn(trace, shop)
        && prices.stream().allMatch(p -> trace.span(p.spanId()).map(trace::children)
            .filter(clients -> clients.stream().anyMatch(c -> !trace.children(c).isEmpty()))
            .isPresent())
        && fetches.stream().allMatch(f -> goroutineSpan(trace, shop, f.goid()).isPresent())
        && goroutineSpan(trace, shop, audit(shop, server).goid()).isPresent());

    JaegerSpan serverSpan = appSpan(t, shop, server);
    assertThat(serverSpan.parentSpanId()).isEmpty();
    assertThat(serverSpan.tag("goroutine.id")).contains(Long.toString(server.goid()));
    JaegerSpan fanOutSpan = appSpan(t, shop, fanOut);
    assertThat(fanOutSpan.parentSpanId()).contains(server.spanId());
    assertThat(fanOutSpan.tag("goroutine.id")).as("fan-out started on the connection's goroutine")
        .contains(Long.toString(server.goid()));
    for (PrintedGoroutine f : fetches) {
      JaegerSpan g = goroutineSpan(t, shop, f.goid()).orElseThrow();
      assertThat(g.operationName()).isEqualTo("main.(*server).fetchPrice");
      assertThat(g.parentSpanId()).as("fetchPrice goroutine %d under fan-out", f.goid())
          .contains(fanOut.spanId());
      assertThat(f.underSpanId()).isEqualTo(fanOut.spanId());
      // The price span it started: goroutine.id is this goroutine, and it links to it.
      PrintedSpan price = prices.stream().filter(p -> p.goid() == f.goid()).findFirst()
          .orElseThrow();
      JaegerSpan priceSpan = appSpan(t, shop, price);
      assertThat(priceSpan.parentSpanId()).contains(fanOut.spanId());
      assertThat(priceSpan.tag("goroutine.id")).contains(Long.toString(f.goid()));
      assertThat(g.references()).anyMatch(r -> r.refType().equals("FOLLOWS_FROM")
          && r.spanId().equals(price.spanId()));
      // The pricing service's server span continues the client span started on it.
      List<JaegerSpan> clients = t.children(priceSpan);
      assertThat(clients).filteredOn(c -> c.serviceName().equals(shop.frontendService))
          .singleElement().satisfies(c -> {
            assertThat(c.tag("goroutine.id")).contains(Long.toString(f.goid()));
            assertThat(t.children(c)).anyMatch(p -> p.serviceName().equals(shop.pricingService)
                && p.tag("goroutine.id").isEmpty());
          });
    }
    JaegerSpan auditSpan = goroutineSpan(t, shop, audit(shop, server).goid()).orElseThrow();
    assertThat(auditSpan.parentSpanId()).as("audit, created after fan-out ended")
        .contains(server.spanId());
    // Nothing of goroscope's is in the trace that is not a goroutine span.
    assertThat(t.spans()).filteredOn(s -> s.serviceName().equals(shop.goroscopeService))
        .allMatch(s -> s.tag("goroutine.id").isPresent());
  }

  /** The report's trace: the overrun goroutine is ERROR under the report span. */
  private static void assertReport(Shop shop, JaegerQuery query) {
    PrintedSpan report = shop.sampled("report");
    PrintedGoroutine build = only(shop, "build-report");
    JaegerTrace t = await(query, report.traceId(),
        trace -> goroutineSpan(trace, shop, build.goid()).isPresent() && printedIn(trace, shop));
    JaegerSpan g = goroutineSpan(t, shop, build.goid()).orElseThrow();
    assertThat(g.operationName()).isEqualTo("main.(*server).buildReport");
    assertThat(g.parentSpanId()).contains(report.spanId());
    assertThat(g.isError()).isTrue();
    assertThat(g.tag("goroutine.deadline_overrun")).contains("true");
    assertThat(appSpan(t, shop, report).tag("goroutine.id"))
        .contains(Long.toString(report.goid()));
  }

  /** The async trace: a span ended elsewhere, one that outlived its goroutine. */
  private static void assertAsync(Shop shop, JaegerQuery query) {
    PrintedSpan job = shop.sampled("async-job");
    PrintedSpan enqueue = shop.sampled("enqueue");
    PrintedGoroutine finisher = only(shop, "finish-job");
    PrintedGoroutine after = only(shop, "after-job");
    PrintedGoroutine enqueuer = only(shop, "enqueue");
    PrintedSpan server = shop.spans().stream().filter(s -> s.name().equals("server")
        && s.traceId().equals(job.traceId())).findFirst().orElseThrow();
    JaegerTrace t = await(query, job.traceId(), trace -> Stream.of(finisher, after, enqueuer)
        .allMatch(g -> goroutineSpan(trace, shop, g.goid()).isPresent())
        && printedIn(trace, shop));
    // Started on the connection's goroutine, ended by finishJob's: goroutine.id is the starter.
    assertThat(job.goid()).isEqualTo(server.goid()).isNotEqualTo(finisher.goid());
    assertThat(appSpan(t, shop, job).tag("goroutine.id")).contains(Long.toString(job.goid()));
    assertThat(goroutineSpan(t, shop, finisher.goid()).orElseThrow().parentSpanId())
        .contains(job.spanId());
    // After async-job ended elsewhere, the connection's goroutines fall under the server span.
    assertThat(goroutineSpan(t, shop, after.goid()).orElseThrow().parentSpanId())
        .contains(server.spanId());
    assertThat(goroutineSpan(t, shop, enqueuer.goid()).orElseThrow().parentSpanId())
        .contains(server.spanId());
    // enqueue was started by a goroutine that had exited when the handler ended it.
    assertThat(enqueue.goid()).isEqualTo(enqueuer.goid());
    assertThat(appSpan(t, shop, enqueue).tag("goroutine.id"))
        .contains(Long.toString(enqueuer.goid()));
  }

  /** Whether every span the frontend printed for this trace is in it. */
  private static boolean printedIn(JaegerTrace trace, Shop shop) {
    return shop.spans().stream().filter(s -> s.traceId().equals(trace.traceId()))
        .allMatch(s -> trace.span(s.spanId()).isPresent());
  }

  private static PrintedGoroutine audit(Shop shop, PrintedSpan server) {
    return shop.goroutines().stream().filter(g -> g.role().equals("audit")
        && g.traceId().equals(server.traceId())).findFirst().orElseThrow();
  }

  private static PrintedGoroutine only(Shop shop, String role) {
    List<PrintedGoroutine> found = shop.goroutines().stream().filter(g -> g.role().equals(role))
        .toList();
    assertThat(found).as(role).hasSize(1);
    return found.get(0);
  }

  /** The application's span as Jaeger has it: the frontend's service. */
  private static JaegerSpan appSpan(JaegerTrace t, Shop shop, PrintedSpan printed) {
    JaegerSpan s = t.span(printed.spanId()).orElseThrow(() -> new AssertionError(
        printed + " not in trace " + t.traceId()));
    assertThat(s.serviceName()).isEqualTo(shop.frontendService);
    return s;
  }

  /** goroscope's span of goroutine {@code goid} in trace {@code t}. */
  private static Optional<JaegerSpan> goroutineSpan(JaegerTrace t, Shop shop, long goid) {
    return t.spans().stream().filter(s -> s.serviceName().equals(shop.goroscopeService)
        && s.tag("goroutine.id").filter(Long.toString(goid)::equals).isPresent()).findFirst();
  }

  /** Polls Jaeger (60 s) until trace {@code traceId} satisfies {@code complete}. */
  private static JaegerTrace await(JaegerQuery query, String traceId,
      Predicate<JaegerTrace> complete) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Optional<JaegerTrace> t = Optional.empty();
    while (System.nanoTime() - deadline < 0) {
      t = query.trace(traceId);
      if (t.isPresent() && complete.test(t.get())) {
        return t.get();
      }
      AttachRun.sleep(250);
    }
    throw new AssertionError("trace " + traceId + " incomplete in Jaeger after 60 s: "
        + t.map(JaegerTrace::spans).orElse(List.of()));
  }

  private static Matcher matching(List<String> lines, Pattern p, AttachRun attach) {
    return lines.stream().map(p::matcher).filter(Matcher::matches).findFirst()
        .orElseThrow(() -> new AssertionError("no line " + p + "\n" + attach.transcript()));
  }
}
