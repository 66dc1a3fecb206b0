package dev.goroscope.otel.testing;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small readers for OTLP protobuf payloads in assertions. */
public final class Protos {
  private Protos() {}

  /** Attributes as a map of plain Java values (String, Long, Boolean, Double). */
  public static Map<String, Object> attrs(List<KeyValue> kvs) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (KeyValue kv : kvs) {
      out.put(kv.getKey(), value(kv.getValue()));
    }
    return out;
  }

  static Object value(AnyValue v) {
    switch (v.getValueCase()) {
      case STRING_VALUE:
        return v.getStringValue();
      case INT_VALUE:
        return v.getIntValue();
      case BOOL_VALUE:
        return v.getBoolValue();
      case DOUBLE_VALUE:
        return v.getDoubleValue();
      default:
        return v.toString();
    }
  }

  public static String hex(ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }
}
