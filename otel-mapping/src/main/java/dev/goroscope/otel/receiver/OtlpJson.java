package dev.goroscope.otel.receiver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * OTLP/JSON, which is the protobuf JSON mapping with two differences: trace and span ids are
 * hex strings (not base64), and enums are integers. Incoming ids are rewritten to base64 in one
 * streaming pass (jackson-core), then {@link JsonFormat} parses the result; unknown fields are
 * ignored, as the specification requires of receivers.
 */
final class OtlpJson {

  /** The OTLP fields that hold ids (logs, links and exemplars too), in both spellings. */
  private static final Set<String> ID_FIELDS = Set.of("traceId", "spanId", "parentSpanId",
      "trace_id", "span_id", "parent_span_id");
  private static final JsonFactory JSON = new JsonFactory();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().printingEnumsAsInts().omittingInsignificantWhitespace();

  private OtlpJson() {}

  /**
   * Parses an OTLP/JSON export request of {@code signal}.
   *
   * @throws InvalidProtocolBufferException when it is not JSON, not the request, or an id is
   *     not hex
   */
  static Message parse(Signal signal, byte[] json) throws InvalidProtocolBufferException {
    Message.Builder b = signal.newRequestBuilder();
    PARSER.merge(idsToBase64(json), b);
    return b.build();
  }

  /** A message as OTLP/JSON (responses and error statuses: they hold no ids). */
  static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("print " + message.getClass().getSimpleName(), e);
    }
  }

  private static String idsToBase64(byte[] json) throws InvalidProtocolBufferException {
    StringWriter out = new StringWriter(json.length + 16);
    try (JsonParser p = JSON.createParser(json); JsonGenerator g = JSON.createGenerator(out)) {
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.VALUE_STRING && p.getParsingContext().inObject()
            && ID_FIELDS.contains(p.currentName())) {
          g.writeString(hexToBase64(p.currentName(), p.getText()));
        } else {
          g.copyCurrentEventExact(p);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      throw e;
    } catch (IOException e) {
      throw new InvalidProtocolBufferException("not JSON: "
          + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    return out.toString();
  }

  private static String hexToBase64(String field, String hex)
      throws InvalidProtocolBufferException {
    try {
      return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new InvalidProtocolBufferException(field + " '" + hex + "' is not hex");
    }
  }
}
