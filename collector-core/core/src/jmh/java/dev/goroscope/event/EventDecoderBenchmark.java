package dev.goroscope.event;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decoding the records of one HTTP benchmark request (3 goroutines created and exited, one
 * deadline set, two cancels) from a direct buffer, as the ring buffer hands them over. The
 * launcher runs attach with C1 only: run it with {@code -jvmArgsAppend -XX:TieredStopAtLevel=1}
 * to measure what the sidecar runs (docs/benchmarks.md, "Sidecar CPU per event"). It settled a
 * question: a bulk copy of each record into an array, read with shifts, took 167–174 ns per
 * record under C1 against 90–91 for the buffer's own gets (2026-12-02), so the decoder reads the
 * ring's buffer in place.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class EventDecoderBenchmark {
  static final int REQUESTS = 1_000;
  static final int RECORDS = REQUESTS * 9;

  private final EventDecoder decoder = new EventDecoder();
  private ByteBuffer ring;
  private int[] starts;
  private int[] sizes;

  @Setup
  public void fill() {
    ring = ByteBuffer.allocateDirect(RECORDS * 64).order(ByteOrder.LITTLE_ENDIAN);
    starts = new int[RECORDS];
    sizes = new int[RECORDS];
    int at;
    int n = 0;
    long goid = 1_000;
    for (int r = 0; r < REQUESTS; r++) {
      long ctx = 0xc000_1000_00L + 64L * r;
      for (int g = 0; g < 3; g++) {
        at = header(n++, EventDecoder.TYPE_GOROUTINE_CREATED, EventDecoder.CREATED_SIZE);
        put(at, EventDecoder.CREATED_GOID, goid + g, EventDecoder.CREATED_PARENT_GOID, 7,
            EventDecoder.CREATED_GOPC, 0x6a1234, EventDecoder.CREATED_STARTPC, 0x6a2000);
      }
      at = header(n++, EventDecoder.TYPE_CTX_DEADLINE_SET, EventDecoder.DEADLINE_SIZE);
      put(at, EventDecoder.DEADLINE_CTX, ctx, EventDecoder.DEADLINE_PARENT_CTX, ctx - 64,
          EventDecoder.DEADLINE_UNIX_NS, 1_796_000_000_000_000_000L, EventDecoder.DEADLINE_GOID,
          goid);
      for (int c = 0; c < 2; c++) {
        at = header(n++, EventDecoder.TYPE_CTX_CANCELLED, EventDecoder.CANCELLED_SIZE);
        ring.putLong(at + EventDecoder.CANCELLED_CTX, ctx + c)
            .putLong(at + EventDecoder.CANCELLED_GOID, goid)
            .putInt(at + EventDecoder.CANCELLED_REASON, EventDecoder.CANCEL_CANCELED);
      }
      for (int g = 0; g < 3; g++) {
        at = header(n++, EventDecoder.TYPE_GOROUTINE_EXITED, EventDecoder.EXITED_SIZE);
        ring.putLong(at + EventDecoder.EXITED_GOID, goid + g);
      }
      goid += 3;
    }
  }

  /** Writes a header at the next 8-byte boundary and returns where the record starts. */
  private int header(int n, int type, int size) {
    int at = n == 0 ? 0 : (starts[n - 1] + sizes[n - 1] + 8 + 7) & ~7;
    starts[n] = at;
    sizes[n] = size;
    ring.putLong(at, 1_000_000L * n).putInt(at + 8, 4242).putInt(at + 12, 4243)
        .putInt(at + 16, n & 1).putInt(at + 20, type);
    return at;
  }

  private void put(int at, int o1, long v1, int o2, long v2, int o3, long v3, int o4, long v4) {
    ring.putLong(at + o1, v1).putLong(at + o2, v2).putLong(at + o3, v3).putLong(at + o4, v4);
  }

  /** Per record: position the view on it, as the ring reader does, and decode it. */
  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long decodeOneRequestsRecords() {
    long sum = 0;
    for (int i = 0; i < RECORDS; i++) {
      ring.clear().position(starts[i]).limit(starts[i] + sizes[i]);
      sum += decoder.decode(ring).timestampNs();
    }
    return sum;
  }
}
