package dev.goroscope.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.correlate.Correlator;
import dev.goroscope.correlate.CorrelatorConfig;
import dev.goroscope.correlate.CorrelatorStats;
import dev.goroscope.correlate.Symbolizer;
import dev.goroscope.record.Goroutine;
import dev.goroscope.record.ProcessInfo;
import dev.goroscope.record.RecordSink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Ring records as a buggy or hostile kernel side could write them — random bytes, records cut
 * short, known types with garbage payloads, types that do not exist — never throw out of the
 * decoder or the correlator: what cannot be decoded is counted as malformed, what decodes is
 * correlated (nonsense included) without an exception, and every goroutine the correlator
 * started it also ends.
 */
class CorruptRecordsTest {

  private static final int[] SIZES = {
    EventDecoder.CREATED_SIZE, EventDecoder.EXITED_SIZE, EventDecoder.DEADLINE_SIZE,
    EventDecoder.CANCELLED_SIZE, EventDecoder.PARKED_SIZE, EventDecoder.READIED_SIZE,
    EventDecoder.MARK_SIZE, EventDecoder.MARK_SIZE};

  @Property(tries = 200)
  void randomAndTruncatedRecordsAreCountedNeverThrown(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 3000) int records) {
    Random random = new Random(seed);
    EventDecoder decoder = new EventDecoder();
    CountingSink sink = new CountingSink();
    Correlator correlator = Correlator.builder(sink)
        .setConfig(CorrelatorConfig.builder().setMaxGoroutines(500).build())
        .setClock(() -> 0).build();
    int pid = 1 + random.nextInt(3);
    correlator.processStarted(new ProcessInfo(pid, "/x", "go1.26.0", "m"), Symbolizer.NONE, 1,
        random.nextBoolean());
    long decoded = 0;
    long expectMalformed = 0;
    long ts = 1_000;
    for (int i = 0; i < records; i++) {
      ByteBuffer record = corrupt(random, ts += random.nextInt(2_000_000) - 500_000, pid);
      boolean shortOrUnknown = isShortOrUnknown(record);
      Event e = decoder.decode(record);
      assertThat(e == null).as("decoded exactly what is long enough and of a known type")
          .isEqualTo(shortOrUnknown);
      if (shortOrUnknown) {
        expectMalformed++;
      } else {
        decoded++;
        correlator.accept(e);
      }
      if (random.nextInt(50) == 0) {
        correlator.advanceTo(ts + random.nextInt(200_000_000));
      }
      if (random.nextInt(500) == 0) {
        correlator.processEnded(pid, ts);
      }
    }
    correlator.close();

    assertThat(decoder.malformed()).isEqualTo(expectMalformed);
    CorrelatorStats stats = correlator.stats();
    assertThat(stats.eventsIn()).isEqualTo(decoded);
    assertThat(stats.sinkFailures()).isZero();
    assertThat(sink.ended).as("every goroutine started is ended").isEqualTo(sink.started);
  }

  /** One record: random bytes, a truncated or padded known type, or a made-up type. */
  private static ByteBuffer corrupt(Random r, long ts, int pid) {
    int kind = r.nextInt(4);
    int type = kind == 3 ? r.nextInt() : 1 + r.nextInt(8);
    int full = type >= 1 && type <= 8 ? SIZES[type - 1] : 24 + 8 * r.nextInt(4);
    int size = switch (kind) {
      case 0 -> r.nextInt(80); // anything
      case 1 -> r.nextInt(full + 1); // cut short (or exactly whole)
      default -> full + 8 * r.nextInt(3); // whole, maybe with trailing bytes
    };
    ByteBuffer b = ByteBuffer.allocate(size + 16).order(ByteOrder.LITTLE_ENDIAN);
    byte[] noise = new byte[size + 16];
    r.nextBytes(noise);
    b.put(noise).clear();
    b.position(8).limit(8 + size); // a record in the middle of a larger buffer, as in the ring
    if (kind != 0 && size >= EventDecoder.HDR_SIZE) {
      b.putLong(8 + EventDecoder.HDR_TS_NS, ts);
      b.putInt(8 + EventDecoder.HDR_PID, r.nextInt(8) == 0 ? r.nextInt() : pid);
      b.putInt(8 + EventDecoder.HDR_TYPE, type);
      if (size >= 32 && r.nextBoolean()) {
        b.putLong(8 + 24, r.nextInt(64)); // small goids, so events meet each other
      }
      if (size >= 40 && r.nextBoolean()) {
        b.putLong(8 + 32, r.nextInt(64));
      }
    }
    return b.slice(8, size).order(r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN
        : ByteOrder.BIG_ENDIAN);
  }

  private static boolean isShortOrUnknown(ByteBuffer record) {
    int len = record.remaining();
    if (len < EventDecoder.HDR_SIZE) {
      return true;
    }
    int type = record.duplicate().order(ByteOrder.LITTLE_ENDIAN)
        .getInt(record.position() + EventDecoder.HDR_TYPE);
    return type < 1 || type > 8 || len < SIZES[type - 1];
  }

  /** Counts starts and ends. */
  private static final class CountingSink implements RecordSink {
    long started;
    long ended;

    @Override
    public void goroutineStarted(Goroutine g) {
      started++;
    }

    @Override
    public void goroutineEnded(Goroutine g) {
      ended++;
    }
  }
}
