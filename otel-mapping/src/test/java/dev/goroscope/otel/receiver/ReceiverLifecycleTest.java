package dev.goroscope.otel.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.goroscope.otel.testing.RawOtlpBackend;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** start() binds or says why not in one line; shutdown() is bounded and safe twice. */
class ReceiverLifecycleTest {

  static final ForwardConfig NOWHERE =
      ForwardConfig.builder().setEndpoint("http://127.0.0.1:9").build();

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void addressInUseIsOneClearLineAndNothingStaysOpen() throws Exception {
    try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = busy.getLocalPort();
      assertThatThrownBy(() -> OtlpReceiver.create(ReceiverConfig.builder()
          .setGrpc(ListenAddress.loopback(port)).build(), NOWHERE, SpanEnricher.NONE).start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("otlp gRPC receiver: cannot listen on 127.0.0.1:" + port
              + ": address already in use");
      int grpcPort = freePort();
      assertThatThrownBy(() -> OtlpReceiver.create(ReceiverConfig.builder()
          .setGrpc(ListenAddress.loopback(grpcPort)).setHttp(ListenAddress.loopback(port))
          .build(), NOWHERE, SpanEnricher.NONE).start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("otlp HTTP receiver: cannot listen on 127.0.0.1:" + port
              + ": address already in use");
      // The gRPC server that had started was closed again: its port is free.
      try (ServerSocket again = new ServerSocket(grpcPort, 1, InetAddress.getLoopbackAddress())) {
        assertThat(again.isBound()).isTrue();
      }
    }
  }

  @Test
  void anUnknownHostIsOneLine() {
    assertThatThrownBy(() -> OtlpReceiver.create(ReceiverConfig.builder()
        .setHttp(ListenAddress.parse("no-such-host.invalid:4318")).build(), NOWHERE,
        SpanEnricher.NONE).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("otlp HTTP receiver: cannot listen on no-such-host.invalid:4318: unknown host");
  }

  @Test
  void refusesToForwardToItself() throws Exception {
    int port = freePort();
    assertThatThrownBy(() -> OtlpReceiver.create(ReceiverConfig.builder()
        .setGrpc(ListenAddress.loopback(port)).build(),
        ForwardConfig.builder().setEndpoint("http://localhost:" + port).build(),
        SpanEnricher.NONE).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the otlp receiver on 127.0.0.1:" + port + " would forward to itself"
            + " (http://localhost:" + port + "): point the OTLP endpoint at the backend");
  }

  @Test
  void shutdownIsSafeBeforeStartAndTwice() throws Exception {
    OtlpReceiver never = OtlpReceiver.create(ReceiverConfig.builder()
        .setGrpc(ListenAddress.loopback(0)).build(), NOWHERE, SpanEnricher.NONE);
    never.shutdown();
    never.shutdown();
    assertThatThrownBy(never::start).isInstanceOf(IllegalStateException.class)
        .hasMessage("otlp receiver: already shut down");

    try (RawOtlpBackend backend = RawOtlpBackend.grpc()) {
      OtlpReceiver r = OtlpReceiver.create(ReceiverConfig.builder()
          .setGrpc(ListenAddress.loopback(0)).setHttp(ListenAddress.loopback(0)).build(),
          ForwardConfig.builder().setEndpoint(backend.endpoint()).build(), SpanEnricher.NONE)
          .start();
      InetSocketAddress grpc = r.grpcAddress();
      InetSocketAddress http = r.httpAddress();
      assertThat(Clients.postProtobuf(http, "/v1/traces",
          AppSpans.bytes(AppSpans.spans("s", 2))).statusCode()).isEqualTo(200);
      r.shutdown();
      r.shutdown();
      // Delivered before the shutdown returned; both ports closed.
      assertThat(r.stats().traces().forwardedItems()).isEqualTo(2);
      assertThat(backend.received()).hasSize(1);
      for (InetSocketAddress a : new InetSocketAddress[] {grpc, http}) {
        assertThatThrownBy(() -> new Socket("127.0.0.1", a.getPort()).close())
            .isInstanceOf(ConnectException.class);
      }
    }
  }

  @Test
  void shutdownGivesUpOnADownBackendWithinItsTimeoutAndCounts() throws Exception {
    try (Socket holder = ReceiverBackpressureTest.downPort()) {
      OtlpReceiver r = OtlpReceiver.create(ReceiverConfig.builder()
          .setHttp(ListenAddress.loopback(0)).setShutdownTimeout(Duration.ofSeconds(1))
          .setBackoff(Duration.ofMillis(50), Duration.ofMillis(100)).build(),
          ForwardConfig.builder().setEndpoint("http://127.0.0.1:" + holder.getLocalPort())
              .build(), SpanEnricher.NONE).start();
      for (int i = 0; i < 3; i++) {
        assertThat(Clients.postProtobuf(r.httpAddress(), "/v1/traces",
            AppSpans.bytes(AppSpans.spans("s", 5))).statusCode()).isEqualTo(200);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> r.stats().failedAttempts() >= 2);
      long t0 = System.nanoTime();
      r.shutdown();
      long tookMs = (System.nanoTime() - t0) / 1_000_000;
      // The documented bound: shutdown timeout plus about 2 s (servers, client).
      assertThat(tookMs).isLessThan(1_000 + 3_000);
      SignalStats s = r.stats().traces();
      assertThat(s.droppedAtShutdown()).isEqualTo(15);
      assertThat(s.queuedItems()).isZero();
      assertThat(r.stats().queuedBytes()).isZero();
    }
  }
}
