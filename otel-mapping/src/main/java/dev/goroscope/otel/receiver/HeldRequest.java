package dev.goroscope.otel.receiver;

import com.google.protobuf.ByteString;

/**
 * One received export request on its way to the backend: the bytes to forward (as received,
 * unless the enricher added attributes), how many items and bytes it holds of the budget.
 */
final class HeldRequest {
  final Signal signal;
  final long items;
  final long receivedNs;
  /** Bytes this request holds of the queue budget (grows if enrichment re-encodes it). */
  long heldBytes;
  ByteString body;
  /** Whether its last forwarding attempt timed out (classifies a drop). */
  boolean lastAttemptTimedOut;
  boolean attempted;

  HeldRequest(Signal signal, ByteString body, long items, long receivedNs) {
    this.signal = signal;
    this.body = body;
    this.items = items;
    this.receivedNs = receivedNs;
    this.heldBytes = body.size();
  }
}
