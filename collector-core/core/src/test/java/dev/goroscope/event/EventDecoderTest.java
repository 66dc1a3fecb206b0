package dev.goroscope.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class EventDecoderTest {
  final EventDecoder decoder = new EventDecoder();

  static ByteBuffer record(int type, int size) {
    ByteBuffer b = ByteBuffer.allocate(size + 16).order(ByteOrder.LITTLE_ENDIAN);
    int at = 8; // not at 0: the decoder must work relative to position()
    b.putLong(at, 123_456_789L).putInt(at + 8, 4242).putInt(at + 12, 4243).putInt(at + 16, 1)
        .putInt(at + 20, type);
    b.position(at).limit(at + size);
    return b;
  }

  @Test
  void decodesEachType() {
    ByteBuffer b = record(1, 56);
    int at = b.position();
    b.putLong(at + 24, 18).putLong(at + 32, 1).putLong(at + 40, 0x4a0000).putLong(at + 48, 0x4b0000);
    assertThat(decoder.decode(b)).isEqualTo(
        new GoroutineCreated(123_456_789L, 4242, 4243, 1, 18, 1, 0x4a0000, 0x4b0000));
    assertThat(b.position()).isEqualTo(at);

    b = record(2, 32);
    b.putLong(b.position() + 24, 18);
    assertThat(decoder.decode(b)).isEqualTo(new GoroutineExited(123_456_789L, 4242, 4243, 1, 18));

    b = record(3, 56);
    at = b.position();
    b.putLong(at + 24, 0xc000010000L).putLong(at + 32, 0x5f0000).putLong(at + 40, 1_800_000_000_000_000_000L)
        .putLong(at + 48, 7);
    assertThat(decoder.decode(b)).isEqualTo(new ContextDeadlineSet(123_456_789L, 4242, 4243, 1,
        0xc000010000L, 0x5f0000, 1_800_000_000_000_000_000L, 7));

    for (int raw = 0; raw <= 3; raw++) {
      b = record(4, 48);
      at = b.position();
      b.putLong(at + 24, 0xc000010000L).putLong(at + 32, 9).putInt(at + 40, raw);
      CancelReason want = raw == 1 ? CancelReason.DEADLINE_EXCEEDED
          : raw == 2 ? CancelReason.CANCELED : CancelReason.UNKNOWN;
      assertThat(decoder.decode(b)).isEqualTo(
          new ContextCancelled(123_456_789L, 4242, 4243, 1, 0xc000010000L, 9, want));
    }

    b = record(5, 40);
    b.putLong(b.position() + 24, 5).putInt(b.position() + 32, 19);
    assertThat(decoder.decode(b)).isEqualTo(new GoroutineParked(123_456_789L, 4242, 4243, 1, 5, 19));

    b = record(6, 40);
    b.putLong(b.position() + 24, 5).putLong(b.position() + 32, 6);
    assertThat(decoder.decode(b)).isEqualTo(new GoroutineReadied(123_456_789L, 4242, 4243, 1, 5, 6));
    assertThat(decoder.malformed()).isZero();
  }

  @Test
  void shortOrUnknownRecordsAreCountedNotThrown() {
    assertThat(decoder.decode(record(1, 40))).isNull();
    assertThat(decoder.decode(record(99, 56))).isNull();
    assertThat(decoder.decode(ByteBuffer.allocate(10))).isNull();
    assertThat(decoder.malformed()).isEqualTo(3);
  }

  @Test
  void bigEndianBuffersAreReadLittleEndianAndLeftAsTheyWere() {
    ByteBuffer b = record(2, 32);
    b.putLong(b.position() + 24, 77);
    b.order(ByteOrder.BIG_ENDIAN);
    assertThat(decoder.decode(b)).isEqualTo(new GoroutineExited(123_456_789L, 4242, 4243, 1, 77));
    assertThat(b.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
  }

  @Test
  void appSpanIdsReadInTheOrderOfTheirBytesInMemory() {
    // trace.TraceID / SpanID are byte arrays: the BPF side copies them as they lie in memory.
    ByteBuffer b = record(40, 72);
    int at = b.position();
    byte[] trace = java.util.HexFormat.of().parseHex("0af7651916cd43dd8448eb211c80319c");
    byte[] span = java.util.HexFormat.of().parseHex("b7ad6b7169203331");
    byte[] parent = java.util.HexFormat.of().parseHex("00f067aa0ba902b7");
    b.putLong(at + 24, 18);
    b.put(at + 32, trace).put(at + 48, span).put(at + 56, parent);
    b.putInt(at + 64, 3);
    AppSpan e = (AppSpan) decoder.decode(b);
    assertThat(e.phase()).isEqualTo(AppSpan.Phase.START);
    assertThat(e.goid()).isEqualTo(18);
    assertThat(e.traceIdHex()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(e.spanIdHex()).isEqualTo("b7ad6b7169203331");
    assertThat(AppSpan.hex16(e.parentSpanId())).isEqualTo("00f067aa0ba902b7");
    assertThat(e.sampled()).isTrue();
    assertThat(e.recording()).isTrue();

    b = record(41, 72);
    b.putInt(b.position() + 64, 0);
    AppSpan end = (AppSpan) decoder.decode(b);
    assertThat(end.phase()).isEqualTo(AppSpan.Phase.END);
    assertThat(end.sampled()).isFalse();
    assertThat(end.recording()).isFalse();
    assertThat(decoder.decode(record(41, 64))).as("cut short").isNull();
  }

  @Test
  void lostMarkerIsStampedByUserSpace() {
    assertThat(EventDecoder.lost(5, 42, 17)).isEqualTo(new EventsLost(5, 42, 0, -1, 17));
  }
}
