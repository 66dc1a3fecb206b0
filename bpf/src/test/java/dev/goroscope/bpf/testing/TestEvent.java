package dev.goroscope.bpf.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A ring buffer record decoded generically for the bpf module's own tests (the product decoder
 * is collector-core's EventDecoder): header, then up to four u64 words ({@code a..d}).
 */
public record TestEvent(long ts, int pid, int tid, int cpu, int type, long a, long b, long c, long d) {
  public static final int CREATED = 1;
  public static final int EXITED = 2;
  public static final int DEADLINE_SET = 3;
  public static final int CANCELLED = 4;
  public static final int PARKED = 5;
  public static final int READIED = 6;

  public static TestEvent decode(ByteBuffer r) {
    int p = r.position();
    int len = r.remaining();
    ByteBuffer b = r.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    long[] w = new long[4];
    for (int i = 0; i < 4 && 24 + 8 * i + 8 <= len; i++) {
      w[i] = b.getLong(p + 24 + 8 * i);
    }
    return new TestEvent(b.getLong(p), b.getInt(p + 8), b.getInt(p + 12), b.getInt(p + 16),
        b.getInt(p + 20), w[0], w[1], w[2], w[3]);
  }
}
