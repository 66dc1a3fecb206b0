package dev.goroscope.otel.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import dev.goroscope.otel.testing.BlackHole;
import dev.goroscope.otel.testing.RawOtlpBackend;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The backend is away, slow or refusing: the receiver holds at most its byte budget, answers the
 * application at once (429 / RESOURCE_EXHAUSTED with a retry delay when full), retries, drops
 * what waited too long and counts every item.
 */
class ReceiverBackpressureTest {

  private static final long QUEUE_BYTES = 64 * 1024;

  /** A loopback port that refuses connections (bound, not listening): a backend that is down. */
  static Socket downPort() throws Exception {
    Socket holder = new Socket();
    holder.setReuseAddress(true);
    holder.bind(new InetSocketAddress("127.0.0.1", 0));
    return holder;
  }

  static ReceiverConfig.Builder small() {
    return ReceiverConfig.builder()
        .setGrpc(ListenAddress.loopback(0))
        .setHttp(ListenAddress.loopback(0))
        .setMaxMessageBytes(16 * 1024)
        .setMaxQueueBytes(QUEUE_BYTES)
        .setBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
        .setShutdownTimeout(Duration.ofSeconds(1));
  }

  /** The invariant of SignalStats: every received item is somewhere. */
  static void assertAccountedFor(SignalStats s) {
    assertThat(s.receivedItems()).isEqualTo(s.refusedItems() + s.forwardedItems()
        + s.rejectedByBackend() + s.dropped() + s.queuedItems());
  }

  @Test
  void backendDownThenUpHoldsAtMostTheBudgetThenDelivers() throws Exception {
    Socket holder = downPort();
    int port = holder.getLocalPort();
    ByteString request = ByteString.copyFrom(AppSpans.bytes(AppSpans.spans("down", 4)));
    OtlpReceiver receiver = OtlpReceiver.create(small().setMaxRetryTime(Duration.ofSeconds(3))
        .build(), ForwardConfig.builder().setEndpoint("http://127.0.0.1:" + port)
        .setTimeout(Duration.ofSeconds(2)).build(), SpanEnricher.NONE).start();
    ManagedChannel ch = Clients.channel(receiver.grpcAddress());
    try {
      int accepted = 0;
      StatusRuntimeException refused = null;
      for (int i = 0; i < 100; i++) {
        try {
          Clients.grpcExport(ch, Signal.TRACES, request, Map.of());
          accepted++;
        } catch (StatusRuntimeException e) {
          refused = e;
        }
      }
      // The budget, not the request count, bounds what is held.
      assertThat(accepted).isEqualTo((int) (QUEUE_BYTES / request.size()));
      assertThat(refused).isNotNull();
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      // With RetryInfo, which makes RESOURCE_EXHAUSTED retryable for OTLP exporters.
      com.google.rpc.Status details = StatusProto.fromThrowable(refused);
      assertThat(details).isNotNull();
      Any info = details.getDetails(0);
      assertThat(info.is(RetryInfo.class)).isTrue();
      assertThat(info.unpack(RetryInfo.class).getRetryDelay().getSeconds()).isGreaterThanOrEqualTo(1);

      ReceiverStats s = receiver.stats();
      assertThat(s.queueLimitBytes()).isEqualTo(QUEUE_BYTES);
      assertThat(s.maxQueuedBytes()).isLessThanOrEqualTo(QUEUE_BYTES)
          .isEqualTo((long) accepted * request.size());
      assertThat(s.traces().refusedItems()).isEqualTo((100L - accepted) * 4);
      assertAccountedFor(s.traces());

      // Still down after the retry time: everything held is dropped and counted, memory freed.
      await().atMost(Duration.ofSeconds(20))
          .until(() -> receiver.stats().traces().queuedItems() == 0);
      s = receiver.stats();
      assertThat(s.traces().droppedBackendDown()).isEqualTo(accepted * 4L);
      assertThat(s.queuedBytes()).isZero();
      assertThat(s.failedAttempts()).isGreaterThanOrEqualTo(2);
      assertThat(s.lastError()).contains("UNAVAILABLE");
      assertThat(s.problems()).contains("dropped " + accepted * 4L);
      assertAccountedFor(s.traces());

      // New requests while still down, then the backend comes back on the same port.
      for (int i = 0; i < 5; i++) {
        Clients.grpcExport(ch, Signal.TRACES, request, Map.of());
      }
      holder.close();
      try (RawOtlpBackend backend = RawOtlpBackend.grpc(port)) {
        await().atMost(Duration.ofSeconds(20))
            .until(() -> receiver.stats().traces().forwardedRequests() == 5);
        assertThat(backend.bodies()).hasSize(5).containsOnly(request);
        assertAccountedFor(receiver.stats().traces());
        assertThat(receiver.stats().traces().queuedItems()).isZero();
      }
    } finally {
      Clients.close(ch);
      receiver.shutdown();
      holder.close();
    }
  }

  @Test
  void httpQueueFullAnswers429WithRetryAfter() throws Exception {
    try (Socket holder = downPort();
        OtlpReceiver receiver = OtlpReceiver.create(small().build(), ForwardConfig.builder()
            .setProtocol(ForwardConfig.Protocol.HTTP_PROTOBUF)
            .setEndpoint("http://127.0.0.1:" + holder.getLocalPort()).build(),
            SpanEnricher.NONE).start()) {
      byte[] request = AppSpans.bytes(AppSpans.spans("full", 4));
      HttpResponse<byte[]> last = null;
      int ok = 0;
      for (int i = 0; i < 60 && (last == null || last.statusCode() == 200); i++) {
        last = Clients.postProtobuf(receiver.httpAddress(), "/v1/traces", request);
        ok += last.statusCode() == 200 ? 1 : 0;
      }
      assertThat(ok).isEqualTo((int) (QUEUE_BYTES / request.length));
      assertThat(last.statusCode()).isEqualTo(429);
      assertThat(Long.parseLong(last.headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1L, 60L);
      com.google.rpc.Status body = com.google.rpc.Status.parseFrom(last.body());
      assertThat(body.getCode()).isEqualTo(com.google.rpc.Code.RESOURCE_EXHAUSTED_VALUE);
      assertThat(body.getMessage()).contains("queue is full");
      assertThat(receiver.stats().traces().refusedItems()).isEqualTo(4);
      assertAccountedFor(receiver.stats().traces());
    }
  }

  @Test
  void backendThatNeverAnswersCannotDelayTheApplication() throws Exception {
    for (ForwardConfig.Protocol protocol : ForwardConfig.Protocol.values()) {
      List<SpanData> spans = AppSpans.spans("hole", 6);
      try (BlackHole hole = new BlackHole();
          OtlpReceiver receiver = OtlpReceiver.create(
              small().setMaxRetryTime(Duration.ofSeconds(2)).build(),
              ForwardConfig.builder().setProtocol(protocol).setEndpoint(hole.endpoint())
                  .setTimeout(Duration.ofMillis(500)).build(), SpanEnricher.NONE).start()) {
        // The application's own exporter, with a 2 s timeout: it succeeds, so it was answered
        // within its timeout although the backend never answers anything.
        OtlpGrpcSpanExporter app = OtlpGrpcSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + receiver.grpcAddress().getPort())
            .setTimeout(Duration.ofSeconds(2)).build();
        try {
          assertThat(app.export(spans).join(10, TimeUnit.SECONDS).isSuccess())
              .as(protocol.toString()).isTrue();
        } finally {
          app.shutdown();
        }
        await().atMost(Duration.ofSeconds(20))
            .until(() -> receiver.stats().traces().droppedTimeout() == 6);
        ReceiverStats s = receiver.stats();
        assertThat(hole.connections()).isPositive();
        assertThat(s.traces().forwardedItems()).isZero();
        assertThat(s.failedAttempts()).isGreaterThanOrEqualTo(1);
        assertThat(s.lastError()).containsAnyOf("DEADLINE_EXCEEDED", "timed out");
        assertAccountedFor(s.traces());
      }
    }
  }

  @Test
  void backendRefusalIsCountedNotRetriedAndUnavailableIsRetried() throws Exception {
    for (boolean grpcOut : new boolean[] {true, false}) {
      ByteString request = ByteString.copyFrom(AppSpans.bytes(AppSpans.spans("refuse", 3)));
      try (RawOtlpBackend backend = grpcOut ? RawOtlpBackend.grpc() : RawOtlpBackend.http();
          OtlpReceiver receiver = OtlpReceiver.create(small().build(), ForwardConfig.builder()
              .setProtocol(grpcOut ? ForwardConfig.Protocol.GRPC
                  : ForwardConfig.Protocol.HTTP_PROTOBUF)
              .setEndpoint(backend.endpoint()).build(), SpanEnricher.NONE).start()) {
        backend.setBehaviour(RawOtlpBackend.Behaviour.REJECT);
        assertThat(Clients.postProtobuf(receiver.httpAddress(), "/v1/traces",
            request.toByteArray()).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
            .until(() -> receiver.stats().traces().rejectedByBackend() == 3);
        assertThat(receiver.stats().failedAttempts()).isEqualTo(1);
        assertThat(receiver.stats().lastError())
            .contains(grpcOut ? "INVALID_ARGUMENT" : "HTTP 400");

        backend.setBehaviour(RawOtlpBackend.Behaviour.UNAVAILABLE);
        assertThat(Clients.postProtobuf(receiver.httpAddress(), "/v1/traces",
            request.toByteArray()).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
            .until(() -> receiver.stats().failedAttempts() >= 3);
        backend.setBehaviour(RawOtlpBackend.Behaviour.ACCEPT);
        await().atMost(Duration.ofSeconds(10))
            .until(() -> receiver.stats().traces().forwardedItems() == 3);
        assertThat(backend.bodies()).containsExactly(request);
        assertAccountedFor(receiver.stats().traces());
      }
    }
  }

  @Test
  void malformedRequestsAreRefusedClearlyAndCounted() throws Exception {
    try (RawOtlpBackend backend = RawOtlpBackend.grpc();
        OtlpReceiver receiver = OtlpReceiver.create(small().build(),
            ForwardConfig.builder().setEndpoint(backend.endpoint()).build(),
            SpanEnricher.NONE).start()) {
      InetSocketAddress http = receiver.httpAddress();
      byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
      ManagedChannel ch = Clients.channel(receiver.grpcAddress());
      try {
        StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class,
            () -> Clients.grpcExport(ch, Signal.TRACES, ByteString.copyFrom(garbage), Map.of()));
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(e.getStatus().getDescription()).startsWith("not an OTLP traces export request");
        // Larger than the limit: gRPC refuses it itself.
        StatusRuntimeException big = catchThrowableOfType(StatusRuntimeException.class,
            () -> Clients.grpcExport(ch, Signal.TRACES, ByteString.copyFrom(new byte[20_000]),
                Map.of()));
        assertThat(big.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      } finally {
        Clients.close(ch);
      }
      HttpResponse<byte[]> bad = Clients.postProtobuf(http, "/v1/traces", garbage);
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(com.google.rpc.Status.parseFrom(bad.body()).getMessage())
          .startsWith("not an OTLP traces export request");
      assertThat(Clients.post(http, "/v1/traces", new byte[] {1},
          Map.of("Content-Type", "text/plain")).statusCode()).isEqualTo(415);
      assertThat(Clients.post(http, "/v1/traces", new byte[] {1},
          Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "br"))
          .statusCode()).isEqualTo(415);
      assertThat(Clients.postProtobuf(http, "/v1/spans", new byte[0]).statusCode())
          .isEqualTo(404);
      HttpResponse<byte[]> get = Clients.HTTP.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + http.getPort() + "/v1/traces")).GET().build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertThat(get.statusCode()).isEqualTo(405);
      assertThat(get.headers().firstValue("Allow")).contains("POST");
      assertThat(Clients.postProtobuf(http, "/v1/traces", new byte[20_000]).statusCode())
          .isEqualTo(413);
      // A small gzip body that inflates past the limit (a "zip bomb") stops at the limit.
      byte[] bomb = Clients.gzip(new byte[10 * 1024 * 1024]);
      assertThat(bomb.length).isLessThan(16 * 1024);
      HttpResponse<byte[]> inflated = Clients.post(http, "/v1/traces", bomb,
          Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "gzip"));
      assertThat(inflated.statusCode()).isEqualTo(413);
      assertThat(com.google.rpc.Status.parseFrom(inflated.body()).getMessage())
          .contains("once decompressed");
      assertThat(Clients.post(http, "/v1/traces", new byte[] {1, 2, 3},
          Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "gzip"))
          .statusCode()).isEqualTo(400);
      HttpResponse<byte[]> badJson = Clients.post(http, "/v1/traces",
          "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz\"}]}]}]}"
              .getBytes(java.nio.charset.StandardCharsets.UTF_8),
          Map.of("Content-Type", "application/json"));
      assertThat(badJson.statusCode()).isEqualTo(400);
      assertThat(new String(badJson.body(), java.nio.charset.StandardCharsets.UTF_8))
          .contains("traceId \\u0027xyz\\u0027 is not hex").contains("\"code\":3");

      ReceiverStats s = receiver.stats();
      assertThat(s.rejectedInvalid()).isEqualTo(10); // the gRPC size refusal is gRPC's own
      assertThat(s.traces().receivedRequests()).isZero();
      assertThat(backend.received()).isEmpty();
    }
  }
}
