package dev.goroscope.event;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns one ring buffer record written by {@code bpf/src/main/c/goroscope.bpf.c} into an
 * {@link Event}. The layout constants follow {@code goroscope_events.h} field by field
 * (EventLayoutTest compiles the header and checks every one).
 *
 * <p>Hot path: reads with absolute little-endian gets relative to {@code record.position()},
 * allocates only the event, never throws; records that are too short or of an unknown type
 * return null and are counted in {@link #malformed()}. Not thread-safe (one per reader thread).
 */
public final class EventDecoder {
  // struct goroscope_event_header
  static final int HDR_TS_NS = 0;
  static final int HDR_PID = 8;
  static final int HDR_TID = 12;
  static final int HDR_CPU = 16;
  static final int HDR_TYPE = 20;
  static final int HDR_SIZE = 24;

  // enum goroscope_event_type
  static final int TYPE_GOROUTINE_CREATED = 1;
  static final int TYPE_GOROUTINE_EXITED = 2;
  static final int TYPE_CTX_DEADLINE_SET = 3;
  static final int TYPE_CTX_CANCELLED = 4;
  static final int TYPE_GOROUTINE_PARKED = 5;
  static final int TYPE_GOROUTINE_READIED = 6;
  static final int TYPE_APP_SPAN_START = 40;
  static final int TYPE_APP_SPAN_END = 41;

  // enum goroscope_app_span_flag
  static final int APP_SPAN_SAMPLED = 1;
  static final int APP_SPAN_RECORDING = 2;

  // enum goroscope_cancel_reason
  static final int CANCEL_UNKNOWN = 0;
  static final int CANCEL_DEADLINE_EXCEEDED = 1;
  static final int CANCEL_CANCELED = 2;

  // struct goroscope_goroutine_created
  static final int CREATED_GOID = 24;
  static final int CREATED_PARENT_GOID = 32;
  static final int CREATED_GOPC = 40;
  static final int CREATED_STARTPC = 48;
  static final int CREATED_SIZE = 56;

  // struct goroscope_goroutine_exited
  static final int EXITED_GOID = 24;
  static final int EXITED_SIZE = 32;

  // struct goroscope_ctx_deadline_set
  static final int DEADLINE_CTX = 24;
  static final int DEADLINE_PARENT_CTX = 32;
  static final int DEADLINE_UNIX_NS = 40;
  static final int DEADLINE_GOID = 48;
  static final int DEADLINE_SIZE = 56;

  // struct goroscope_ctx_cancelled
  static final int CANCELLED_CTX = 24;
  static final int CANCELLED_GOID = 32;
  static final int CANCELLED_REASON = 40;
  static final int CANCELLED_SIZE = 48;

  // struct goroscope_goroutine_parked
  static final int PARKED_GOID = 24;
  static final int PARKED_WAIT_REASON = 32;
  static final int PARKED_SIZE = 40;

  // struct goroscope_goroutine_readied
  static final int READIED_GOID = 24;
  static final int READIED_WAKER_GOID = 32;
  static final int READIED_SIZE = 40;

  // struct goroscope_goroutine_mark (every MarkKind's type code)
  static final int MARK_GOID = 24;
  static final int MARK_A = 32;
  static final int MARK_B = 40;
  static final int MARK_SIZE = 48;

  // struct goroscope_app_span
  static final int APP_SPAN_GOID = 24;
  static final int APP_SPAN_TRACE_ID_HIGH = 32;
  static final int APP_SPAN_TRACE_ID_LOW = 40;
  static final int APP_SPAN_SPAN_ID = 48;
  static final int APP_SPAN_PARENT_SPAN_ID = 56;
  static final int APP_SPAN_FLAGS = 64;
  static final int APP_SPAN_SIZE = 72;

  private long malformed;

  /**
   * Decodes the record between {@code record.position()} and {@code record.limit()}; the
   * buffer's position, limit and byte order are left unchanged.
   *
   * @return the event, or null when the record is short or of an unknown type
   */
  public Event decode(ByteBuffer record) {
    int at = record.position();
    int len = record.remaining();
    if (len < HDR_SIZE) {
      malformed++;
      return null;
    }
    ByteOrder order = record.order();
    if (order != ByteOrder.LITTLE_ENDIAN) {
      record.order(ByteOrder.LITTLE_ENDIAN);
    }
    try {
      return decode(record, at, len);
    } finally {
      if (order != ByteOrder.LITTLE_ENDIAN) {
        record.order(order);
      }
    }
  }

  private Event decode(ByteBuffer b, int at, int len) {
    long ts = b.getLong(at + HDR_TS_NS);
    int pid = b.getInt(at + HDR_PID);
    int tid = b.getInt(at + HDR_TID);
    int cpu = b.getInt(at + HDR_CPU);
    int type = b.getInt(at + HDR_TYPE);
    switch (type) {
      case TYPE_GOROUTINE_CREATED:
        if (len < CREATED_SIZE) {
          break;
        }
        return new GoroutineCreated(ts, pid, tid, cpu, b.getLong(at + CREATED_GOID),
            b.getLong(at + CREATED_PARENT_GOID), b.getLong(at + CREATED_GOPC),
            b.getLong(at + CREATED_STARTPC));
      case TYPE_GOROUTINE_EXITED:
        if (len < EXITED_SIZE) {
          break;
        }
        return new GoroutineExited(ts, pid, tid, cpu, b.getLong(at + EXITED_GOID));
      case TYPE_CTX_DEADLINE_SET:
        if (len < DEADLINE_SIZE) {
          break;
        }
        return new ContextDeadlineSet(ts, pid, tid, cpu, b.getLong(at + DEADLINE_CTX),
            b.getLong(at + DEADLINE_PARENT_CTX), b.getLong(at + DEADLINE_UNIX_NS),
            b.getLong(at + DEADLINE_GOID));
      case TYPE_CTX_CANCELLED:
        if (len < CANCELLED_SIZE) {
          break;
        }
        return new ContextCancelled(ts, pid, tid, cpu, b.getLong(at + CANCELLED_CTX),
            b.getLong(at + CANCELLED_GOID), reason(b.getInt(at + CANCELLED_REASON)));
      case TYPE_GOROUTINE_PARKED:
        if (len < PARKED_SIZE) {
          break;
        }
        return new GoroutineParked(ts, pid, tid, cpu, b.getLong(at + PARKED_GOID),
            b.getInt(at + PARKED_WAIT_REASON));
      case TYPE_GOROUTINE_READIED:
        if (len < READIED_SIZE) {
          break;
        }
        return new GoroutineReadied(ts, pid, tid, cpu, b.getLong(at + READIED_GOID),
            b.getLong(at + READIED_WAKER_GOID));
      case TYPE_APP_SPAN_START:
      case TYPE_APP_SPAN_END:
        if (len < APP_SPAN_SIZE) {
          break;
        }
        int flags = b.getInt(at + APP_SPAN_FLAGS);
        // The ids' bytes are in memory order: reversed, the first byte is the high digit pair.
        return new AppSpan(ts, pid, tid, cpu, b.getLong(at + APP_SPAN_GOID),
            type == TYPE_APP_SPAN_START ? AppSpan.Phase.START : AppSpan.Phase.END,
            Long.reverseBytes(b.getLong(at + APP_SPAN_TRACE_ID_HIGH)),
            Long.reverseBytes(b.getLong(at + APP_SPAN_TRACE_ID_LOW)),
            Long.reverseBytes(b.getLong(at + APP_SPAN_SPAN_ID)),
            Long.reverseBytes(b.getLong(at + APP_SPAN_PARENT_SPAN_ID)),
            (flags & APP_SPAN_SAMPLED) != 0, (flags & APP_SPAN_RECORDING) != 0);
      default:
        MarkKind kind = MarkKind.forCode(type);
        if (kind == null || len < MARK_SIZE) {
          break;
        }
        return new GoroutineMark(ts, pid, tid, cpu, b.getLong(at + MARK_GOID), kind,
            b.getLong(at + MARK_A), b.getLong(at + MARK_B));
    }
    malformed++;
    return null;
  }

  private static CancelReason reason(int raw) {
    switch (raw) {
      case CANCEL_DEADLINE_EXCEEDED:
        return CancelReason.DEADLINE_EXCEEDED;
      case CANCEL_CANCELED:
        return CancelReason.CANCELED;
      default:
        return CancelReason.UNKNOWN;
    }
  }

  /**
   * The marker for {@code count} records the kernel could not reserve (from the BPF side's
   * per-CPU loss counter), stamped by user space: tid 0, cpu -1.
   */
  public static EventsLost lost(long monotonicNs, int pid, long count) {
    return new EventsLost(monotonicNs, pid, 0, -1, count);
  }

  /** Records that were too short or of an unknown type so far. */
  public long malformed() {
    return malformed;
  }
}
