package dev.goroscope.otel.receiver;

import com.google.protobuf.ByteString;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;

/**
 * Passes gRPC messages through as the bytes on the wire: the receiver hands what the application
 * sent to the forwarder without a decode/encode round trip (gRPC enforces the size limit before
 * this is called).
 */
final class RawMarshaller implements MethodDescriptor.Marshaller<ByteString> {

  static final RawMarshaller INSTANCE = new RawMarshaller();

  private RawMarshaller() {}

  @Override
  public InputStream stream(ByteString value) {
    return value.newInput();
  }

  @Override
  public ByteString parse(InputStream stream) {
    try {
      return ByteString.readFrom(stream);
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("read message: " + e.getMessage()).withCause(e)
          .asRuntimeException();
    }
  }

  /** The unary Export method of {@code signal}'s service, on raw bytes. */
  static MethodDescriptor<ByteString, ByteString> exportMethod(Signal signal) {
    return MethodDescriptor.<ByteString, ByteString>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(MethodDescriptor.generateFullMethodName(signal.grpcService(), "Export"))
        .setRequestMarshaller(INSTANCE)
        .setResponseMarshaller(INSTANCE)
        .build();
  }
}
