package dev.goroscope.otel.receiver;

import com.google.protobuf.ByteString;
import dev.goroscope.otel.testing.RawOtlpBackend;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

/** Plain OTLP clients for tests that need exact bytes or exact statuses on the wire. */
final class Clients {
  private Clients() {}

  static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

  static MethodDescriptor<ByteString, ByteString> export(Signal s) {
    return MethodDescriptor.<ByteString, ByteString>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(s.grpcService(), "Export"))
        .setRequestMarshaller(RawOtlpBackend.Raw.INSTANCE)
        .setResponseMarshaller(RawOtlpBackend.Raw.INSTANCE)
        .build();
  }

  /** A plain-text channel to a receiver. */
  static ManagedChannel channel(InetSocketAddress address) {
    return NettyChannelBuilder.forAddress("127.0.0.1", address.getPort()).usePlaintext().build();
  }

  /** One unary Export call with raw bytes; throws StatusRuntimeException on failure. */
  static ByteString grpcExport(ManagedChannel channel, Signal s, ByteString body,
      Map<String, String> headers) {
    Metadata md = new Metadata();
    headers.forEach((k, v) -> md.put(Metadata.Key.of(k, Metadata.ASCII_STRING_MARSHALLER), v));
    return ClientCalls.blockingUnaryCall(
        io.grpc.ClientInterceptors.intercept(channel,
            MetadataUtils.newAttachHeadersInterceptor(md)),
        export(s), CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), body);
  }

  static void close(ManagedChannel c) {
    c.shutdownNow();
    try {
      c.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** POST to the HTTP receiver; headers include Content-Type. */
  static HttpResponse<byte[]> post(InetSocketAddress address, String path, byte[] body,
      Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + address.getPort() + path))
        .timeout(Duration.ofSeconds(10))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static HttpResponse<byte[]> postProtobuf(InetSocketAddress address, String path, byte[] body) {
    return post(address, path, body, Map.of("Content-Type", "application/x-protobuf"));
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
