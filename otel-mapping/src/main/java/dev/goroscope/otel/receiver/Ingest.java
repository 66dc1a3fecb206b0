package dev.goroscope.otel.receiver;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Admission of received requests, shared by the gRPC and the HTTP server: validate, count, hold
 * the bytes in the budget or refuse, and hand over to enrichment or straight to the forwarder.
 * Never blocks and never waits for the backend: the application is answered at once.
 */
final class Ingest {

  private final Counters counters;
  private final Forwarder forwarder;
  private final EnrichmentStage enrichment; // null: no enricher
  private final byte[] requiredHeaderValue; // null: no auth
  private volatile boolean closed;

  Ingest(Counters counters, Forwarder forwarder, EnrichmentStage enrichment,
      String requiredHeaderValue) {
    this.counters = counters;
    this.forwarder = forwarder;
    this.enrichment = enrichment;
    this.requiredHeaderValue = requiredHeaderValue == null ? null
        : requiredHeaderValue.getBytes(StandardCharsets.UTF_8);
  }

  /** A protobuf request as received. */
  Admission admit(Signal signal, ByteString body) {
    Message parsed;
    try {
      parsed = signal.parse(body);
    } catch (InvalidProtocolBufferException e) {
      counters.rejectedInvalid();
      return Admission.invalid("not an OTLP " + signal.name().toLowerCase(java.util.Locale.ROOT)
          + " export request: " + e.getMessage());
    }
    return admit(signal, parsed, body);
  }

  /** A request already parsed (OTLP/JSON), with its protobuf encoding. */
  Admission admit(Signal signal, Message parsed, ByteString body) {
    long items = Signal.countItems(parsed);
    if (closed) {
      counters.received(signal, items);
      counters.refused(signal, items);
      return Admission.unavailable("goroscope is shutting down", 5000);
    }
    HeldRequest r = new HeldRequest(signal, body, items, System.nanoTime());
    counters.received(signal, items);
    if (!counters.tryHold(r)) {
      counters.refused(signal, items);
      return Admission.full("goroscope's forwarding queue is full (backend slow or down)",
          forwarder.retryAfterMillis());
    }
    if (signal == Signal.TRACES && enrichment != null) {
      enrichment.submit(r, (ExportTraceServiceRequest) parsed);
    } else {
      forwarder.enqueue(r);
    }
    return Admission.ACCEPTED;
  }

  /**
   * Checks the required header (constant time); counts a refusal.
   *
   * @return true when no header is required or {@code value} is the required one
   */
  boolean authorized(String value) {
    if (requiredHeaderValue == null) {
      return true;
    }
    boolean ok = value != null
        && MessageDigest.isEqual(requiredHeaderValue, value.getBytes(StandardCharsets.UTF_8));
    if (!ok) {
      counters.rejectedAuth();
    }
    return ok;
  }

  void rejectedInvalid() {
    counters.rejectedInvalid();
  }

  /** From now on every request is answered UNAVAILABLE / 503. */
  void close() {
    closed = true;
  }
}
