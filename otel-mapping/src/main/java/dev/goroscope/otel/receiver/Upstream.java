package dev.goroscope.otel.receiver;

import com.google.protobuf.ByteString;
import java.util.concurrent.CompletableFuture;

/** An OTLP client that sends export requests as raw bytes (never re-encoded). */
interface Upstream extends AutoCloseable {

  /**
   * Sends one export request. The future always completes (never exceptionally), within the
   * configured timeout; it does not retry.
   */
  CompletableFuture<ForwardResult> send(Signal signal, ByteString body);

  /** Before a retry: reconnect at once rather than after the transport's own backoff. */
  default void reconnectNow() {}

  /** Releases connections and threads; pending sends complete as failed. */
  @Override
  void close();

  /** The client for {@code config}'s protocol. */
  static Upstream create(ForwardConfig config) {
    return config.protocol() == ForwardConfig.Protocol.GRPC ? GrpcUpstream.create(config)
        : HttpUpstream.create(config);
  }
}
