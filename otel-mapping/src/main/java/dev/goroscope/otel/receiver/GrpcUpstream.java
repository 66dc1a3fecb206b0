package dev.goroscope.otel.receiver;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.RetryInfo;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptors;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Forwards over OTLP/gRPC with grpc-java, the request bytes as received. */
final class GrpcUpstream implements Upstream {

  /** Retryable as the OTLP specification lists them (RESOURCE_EXHAUSTED: the backend's call). */
  private static final Set<Status.Code> RETRYABLE = EnumSet.of(Status.Code.CANCELLED,
      Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED,
      Status.Code.OUT_OF_RANGE, Status.Code.UNAVAILABLE, Status.Code.DATA_LOSS);

  private final ManagedChannel channel;
  private final Channel withHeaders;
  private final Map<Signal, MethodDescriptor<ByteString, ByteString>> methods =
      new EnumMap<>(Signal.class);
  private final long timeoutNanos;
  private final boolean gzip;
  private final String target;

  private GrpcUpstream(ForwardConfig config, ManagedChannel channel) {
    this.channel = channel;
    Metadata headers = new Metadata();
    config.headers().forEach((k, v) -> headers.put(
        Metadata.Key.of(k.toLowerCase(Locale.ROOT), Metadata.ASCII_STRING_MARSHALLER), v));
    this.withHeaders = ClientInterceptors.intercept(channel,
        MetadataUtils.newAttachHeadersInterceptor(headers));
    for (Signal s : Signal.values()) {
      methods.put(s, RawMarshaller.exportMethod(s));
    }
    this.timeoutNanos = config.timeout().toNanos();
    this.gzip = config.gzip();
    this.target = config.endpoint(Signal.TRACES).toString();
  }

  /** @throws IllegalArgumentException for a TLS file that cannot be used, or a bad header */
  static GrpcUpstream create(ForwardConfig config) {
    for (String name : config.headers().keySet()) {
      String n = name.toLowerCase(Locale.ROOT);
      if (n.endsWith(Metadata.BINARY_HEADER_SUFFIX) || n.startsWith("grpc-")
          || !n.chars().allMatch(c -> c > 32 && c < 127)) {
        throw new IllegalArgumentException("forward header '" + name
            + "' cannot be sent as gRPC metadata");
      }
    }
    URI u = config.endpoint(Signal.TRACES);
    boolean tls = config.tls();
    int port = u.getPort() != -1 ? u.getPort() : tls ? 443 : 80;
    ManagedChannel channel = NettyChannelBuilder.forAddress(u.getHost(), port, credentials(config))
        .userAgent("goroscope-otlp-forwarder")
        .build();
    return new GrpcUpstream(config, channel);
  }

  private static ChannelCredentials credentials(ForwardConfig c) {
    if (!c.tls()) {
      return InsecureChannelCredentials.create();
    }
    TlsChannelCredentials.Builder b = TlsChannelCredentials.newBuilder();
    if (c.trustedCertificates() != null) {
      b.trustManager(PemFiles.trustManagers(c.trustedCertificates()));
    }
    if (c.clientKey() != null) {
      b.keyManager(PemFiles.keyManagers(c.clientCertificate(), c.clientKey()));
    }
    return b.build();
  }

  @Override
  public CompletableFuture<ForwardResult> send(Signal signal, ByteString body) {
    CompletableFuture<ForwardResult> result = new CompletableFuture<>();
    CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos,
        TimeUnit.NANOSECONDS);
    if (gzip) {
      options = options.withCompression("gzip");
    }
    try {
      ClientCalls.asyncUnaryCall(withHeaders.newCall(methods.get(signal), options), body,
          new StreamObserver<ByteString>() {
            private ByteString response = ByteString.EMPTY;

            @Override
            public void onNext(ByteString value) {
              response = value;
            }

            @Override
            public void onError(Throwable t) {
              result.complete(failure(t));
            }

            @Override
            public void onCompleted() {
              result.complete(ForwardResult.ok(signal.rejectedItems(response)));
            }
          });
    } catch (RuntimeException e) {
      result.complete(failure(e));
    }
    return result;
  }

  private ForwardResult failure(Throwable t) {
    Status status = Status.fromThrowable(t);
    String error = "gRPC " + status.getCode() + " from " + target
        + (status.getDescription() != null ? ": " + status.getDescription() : "");
    if (!RETRYABLE.contains(status.getCode())) {
      return ForwardResult.permanent(error);
    }
    return ForwardResult.retryable(error, retryDelayMillis(t),
        status.getCode() == Status.Code.DEADLINE_EXCEEDED);
  }

  /** The delay a google.rpc.RetryInfo detail asks for, or 0. */
  private static long retryDelayMillis(Throwable t) {
    com.google.rpc.Status details = StatusProto.fromThrowable(t);
    if (details == null) {
      return 0;
    }
    for (Any any : details.getDetailsList()) {
      if (any.is(RetryInfo.class)) {
        try {
          com.google.protobuf.Duration d = any.unpack(RetryInfo.class).getRetryDelay();
          return d.getSeconds() * 1000 + d.getNanos() / 1_000_000;
        } catch (InvalidProtocolBufferException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  @Override
  public void reconnectNow() {
    channel.resetConnectBackoff();
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
