package dev.goroscope.otel.receiver;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.rpc.Code;
import com.google.rpc.RetryInfo;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * OTLP/gRPC: the Export method of the trace, metrics and logs services, on raw bytes (the request
 * is validated and counted, then forwarded as it came). gzip-compressed requests are accepted
 * (grpc-java decompresses them, within the size limit).
 */
final class GrpcReceiverServer {

  /** Concurrent calls on one connection; more wait (HTTP/2 flow control), not memory. */
  private static final int MAX_CALLS_PER_CONNECTION = 32;

  private final Server server;

  private GrpcReceiverServer(Server server) {
    this.server = server;
  }

  /**
   * Binds and starts.
   *
   * @throws IOException when the address cannot be bound
   */
  static GrpcReceiverServer start(ReceiverConfig config, ServerCredentials credentials,
      Ingest ingest, ExecutorService executor) throws IOException {
    NettyServerBuilder b = NettyServerBuilder
        .forAddress(config.grpc().socketAddress(), credentials)
        .maxInboundMessageSize(config.maxMessageBytes())
        .maxConcurrentCallsPerConnection(MAX_CALLS_PER_CONNECTION)
        .executor(executor);
    for (Signal s : Signal.values()) {
      ServerServiceDefinition service = ServerServiceDefinition.builder(s.grpcService())
          .addMethod(RawMarshaller.exportMethod(s),
              ServerCalls.asyncUnaryCall((request, out) -> export(ingest, s, request, out)))
          .build();
      b.addService(config.authHeaderName() == null ? service
          : ServerInterceptors.intercept(service, auth(config.authHeaderName(), ingest)));
    }
    return new GrpcReceiverServer(b.build().start());
  }

  static ServerCredentials credentials(ReceiverConfig config) {
    if (config.tlsCertificate() == null) {
      return InsecureServerCredentials.create();
    }
    return TlsServerCredentials.newBuilder()
        .keyManager(PemFiles.keyManagers(config.tlsCertificate(), config.tlsKey()))
        .build();
  }

  private static void export(Ingest ingest, Signal signal, ByteString request,
      StreamObserver<ByteString> out) {
    Admission a = ingest.admit(signal, request);
    switch (a.kind()) {
      case ACCEPTED:
        // The empty Export*ServiceResponse encodes to no bytes.
        out.onNext(ByteString.EMPTY);
        out.onCompleted();
        break;
      case INVALID:
        out.onError(Status.INVALID_ARGUMENT.withDescription(a.message()).asRuntimeException());
        break;
      default:
        // RESOURCE_EXHAUSTED is retryable for OTLP clients only with RetryInfo.
        Code code = a.kind() == Admission.Kind.FULL ? Code.RESOURCE_EXHAUSTED : Code.UNAVAILABLE;
        RetryInfo retry = RetryInfo.newBuilder()
            .setRetryDelay(com.google.protobuf.Duration.newBuilder()
                .setSeconds(a.retryAfterMillis() / 1000)
                .setNanos((int) (a.retryAfterMillis() % 1000) * 1_000_000))
            .build();
        out.onError(StatusProto.toStatusRuntimeException(com.google.rpc.Status.newBuilder()
            .setCode(code.getNumber())
            .setMessage(a.message())
            .addDetails(Any.pack(retry))
            .build()));
    }
  }

  private static ServerInterceptor auth(String headerName, Ingest ingest) {
    Metadata.Key<String> key = Metadata.Key.of(headerName, Metadata.ASCII_STRING_MARSHALLER);
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call,
          Metadata headers, ServerCallHandler<Q, R> next) {
        if (ingest.authorized(headers.get(key))) {
          return next.startCall(call, headers);
        }
        call.close(Status.UNAUTHENTICATED.withDescription(
            "missing or wrong '" + headerName + "' header"), new Metadata());
        return new ServerCall.Listener<>() {};
      }
    };
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getListenSockets().get(0);
  }

  /** Stops accepting, lets calls in progress finish for up to a second. */
  void stop() {
    server.shutdown();
    try {
      if (!server.awaitTermination(1, TimeUnit.SECONDS)) {
        server.shutdownNow().awaitTermination(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.shutdownNow();
    }
  }
}
