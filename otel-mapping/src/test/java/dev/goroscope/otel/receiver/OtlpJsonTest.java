package dev.goroscope.otel.receiver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OTLP/JSON against the SDK's own JSON encoder (hex ids, integer enums). */
class OtlpJsonTest {

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void theSdksJsonParsesToTheSameRequestAsItsProtobuf() throws Exception {
    List<SpanData> spans = AppSpans.spans("json", 8);
    String json = new String(AppSpans.json(spans), StandardCharsets.UTF_8);
    assertThat(json).contains("\"traceId\":\"00000000000000000000000000abc001\"");
    assertThat(OtlpJson.parse(Signal.TRACES, utf8(json))).isEqualTo(AppSpans.request(spans));
  }

  @Test
  void unknownFieldsAreIgnoredAndSnakeCaseIsAccepted() throws Exception {
    String json = "{\"resource_spans\":[{\"futureField\":1,\"scope_spans\":[{\"spans\":[{"
        + "\"trace_id\":\"0102030405060708090a0b0c0d0e0f10\",\"span_id\":\"0102030405060708\","
        + "\"parentSpanId\":\"\",\"name\":\"x\",\"kind\":2,\"startTimeUnixNano\":\"5\"}]}]}]}";
    ExportTraceServiceRequest r = (ExportTraceServiceRequest) OtlpJson.parse(Signal.TRACES,
        utf8(json));
    var span = r.getResourceSpans(0).getScopeSpans(0).getSpans(0);
    assertThat(span.getTraceId().toByteArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
        11, 12, 13, 14, 15, 16);
    assertThat(span.getSpanId().size()).isEqualTo(8);
    assertThat(span.getParentSpanId().isEmpty()).isTrue();
    assertThat(span.getKindValue()).isEqualTo(2);
    assertThat(span.getStartTimeUnixNano()).isEqualTo(5);
  }

  @Test
  void notJsonOrNotHexIsRefused() {
    assertThatThrownBy(() -> OtlpJson.parse(Signal.TRACES, utf8("{\"resourceSpans\":[")))
        .isInstanceOf(InvalidProtocolBufferException.class).hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> OtlpJson.parse(Signal.LOGS, utf8(
        "{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"spanId\":\"zz\"}]}]}]}")))
        .isInstanceOf(InvalidProtocolBufferException.class)
        .hasMessage("spanId 'zz' is not hex");
  }

  @Test
  void responsesPrintAsOtlpJson() {
    assertThat(OtlpJson.print(Signal.TRACES.response(0, ""))).isEqualTo("{}");
    assertThat(OtlpJson.print(Signal.TRACES.response(3, "late")))
        .isEqualTo("{\"partialSuccess\":{\"rejectedSpans\":\"3\",\"errorMessage\":\"late\"}}");
  }
}
