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
  void aRecordInTheRingsKindOfBufferDecodesAlikeAndTheBufferIsLeftAsItWas() {
    // The ring is a direct buffer; a caller's byte order must not matter (records are LE).
    ByteBuffer heap = record(EventDecoder.TYPE_GOROUTINE_CREATED, EventDecoder.CREATED_SIZE + 8);
    int at = heap.position();
    heap.putLong(at + EventDecoder.CREATED_GOID, 0x0102_0304_0506_0708L)
        .putLong(at + EventDecoder.CREATED_PARENT_GOID, -2)
        .putLong(at + EventDecoder.CREATED_GOPC, 0x8000_0000_0040_1000L)
        .putLong(at + EventDecoder.CREATED_STARTPC, 0x402000);
    ByteBuffer direct = ByteBuffer.allocateDirect(heap.capacity()).order(ByteOrder.BIG_ENDIAN);
    direct.put(heap.duplicate().clear()).position(at).limit(heap.limit());
    Event want = new GoroutineCreated(123_456_789L, 4242, 4243, 1, 0x0102_0304_0506_0708L, -2,
        0x8000_0000_0040_1000L, 0x402000);
    assertThat(decoder.decode(heap)).isEqualTo(want);
    assertThat(decoder.decode(direct)).isEqualTo(want);
    assertThat(direct.position()).isEqualTo(at);
    assertThat(direct.limit()).isEqualTo(heap.limit());
    assertThat(direct.order()).isEqualTo(ByteOrder.BIG_ENDIAN);
  }

  @Test
  void decodesStopTheWorldWithItsReasonAndRunningGoroutines() {
    ByteBuffer b = record(EventDecoder.TYPE_STW, EventDecoder.STW_SIZE);
    int at = b.position();
    b.putLong(at + EventDecoder.STW_START_NS, 1_000).putLong(at + EventDecoder.STW_END_NS, 5_000)
        .putLong(at + EventDecoder.STW_GOID, 1).putInt(at + EventDecoder.STW_REASON, 1)
        .putInt(at + EventDecoder.STW_GOMAXPROCS, 4).putInt(at + EventDecoder.STW_RUNNING, 2)
        .putLong(at + EventDecoder.STW_RUNNING_GOIDS, 17)
        .putLong(at + EventDecoder.STW_RUNNING_GOIDS + 8, 18);
    StwPause p = (StwPause) decoder.decode(b);
    assertThat(p).isEqualTo(new StwPause(123_456_789L, 4242, 4243, 1, 1_000, 5_000, 1,
        StwReasons.GC_MARK_TERMINATION, "GC mark termination", 4, 2, new long[] {17, 18}));
    assertThat(p.durationNs()).isEqualTo(4_000);

    // Before Go 1.21 the reason is the m.preemptoff text: known ones map to the stwReason.
    for (String text : new String[] {"", "gcing", "read mem stats", "GOMAXPROCS", "odd"}) {
      b = record(EventDecoder.TYPE_STW, EventDecoder.STW_SIZE);
      at = b.position();
      b.putInt(at + EventDecoder.STW_REASON, EventDecoder.STW_REASON_IS_TEXT)
          .putInt(at + EventDecoder.STW_REASON_LEN, text.length())
          .putInt(at + EventDecoder.STW_RUNNING, 40); // more than the record lists
      byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      for (int i = 0; i < bytes.length; i++) {
        b.put(at + EventDecoder.STW_REASON_TEXT + i, bytes[i]);
      }
      p = (StwPause) decoder.decode(b);
      String want = switch (text) {
        case "" -> "GC sweep termination";
        case "gcing" -> "GC mark termination";
        case "odd" -> "odd";
        default -> text.equals("GOMAXPROCS") ? "GOMAXPROCS" : "read mem stats";
      };
      assertThat(p.reason()).isEqualTo(want);
      assertThat(StwReasons.isGc(p.reasonCode())).isEqualTo(text.isEmpty() || text.equals("gcing"));
      assertThat(p.running()).isEqualTo(40);
      assertThat(p.runningGoids()).hasSize(EventDecoder.STW_MAX_RUNNING);
    }
    assertThat(decoder.decode(record(EventDecoder.TYPE_STW, EventDecoder.STW_SIZE - 8))).isNull();
    assertThat(decoder.malformed()).isEqualTo(1);
  }

  @Test
  void decodesMarksWithAStack() {
    ByteBuffer b = record(MarkKind.MUTEX_WAIT.code(), EventDecoder.MARK_STACK_SIZE);
    int at = b.position();
    b.putLong(at + EventDecoder.MARK_STACK_GOID, 7).putLong(at + EventDecoder.MARK_STACK_A, 0xc0001)
        .putLong(at + EventDecoder.MARK_STACK_B, 40_000_000).putLong(at + EventDecoder.MARK_STACK_C, 6)
        .putLong(at + EventDecoder.MARK_STACK_D, 2).putInt(at + EventDecoder.MARK_STACK_DEPTH, 3)
        .putLong(at + EventDecoder.MARK_STACK_PCS, 0x401000)
        .putLong(at + EventDecoder.MARK_STACK_PCS + 8, 0x402000)
        .putLong(at + EventDecoder.MARK_STACK_PCS + 16, 0x403000)
        .putLong(at + EventDecoder.MARK_STACK_PCS + 24, 0x999999); // past depth: not read
    assertThat(decoder.decode(b)).isEqualTo(new GoroutineMark(123_456_789L, 4242, 4243, 1, 7,
        MarkKind.MUTEX_WAIT, 0xc0001, 40_000_000, 6, 2, new long[] {0x401000, 0x402000, 0x403000}));

    // A depth the record cannot hold is capped, a mark too short for its stack is malformed.
    b = record(MarkKind.SYSCALL.code(), EventDecoder.MARK_STACK_SIZE);
    b.putInt(b.position() + EventDecoder.MARK_STACK_DEPTH, 1000);
    assertThat(((GoroutineMark) decoder.decode(b)).stackDepth()).isEqualTo(EventDecoder.STACK_DEPTH);
    assertThat(decoder.decode(record(MarkKind.SYSCALL.code(), EventDecoder.MARK_SIZE))).isNull();
    // Plain marks stay plain.
    b = record(MarkKind.SCHED_DELAY.code(), EventDecoder.MARK_SIZE);
    b.putLong(b.position() + EventDecoder.MARK_GOID, 3).putLong(b.position() + EventDecoder.MARK_A, 5)
        .putLong(b.position() + EventDecoder.MARK_B, 4);
    assertThat(decoder.decode(b)).isEqualTo(new GoroutineMark(123_456_789L, 4242, 4243, 1, 3,
        MarkKind.SCHED_DELAY, 5, 4));
    assertThat(decoder.malformed()).isEqualTo(1);
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
