package dev.goroscope.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.correlate.Correlator;
import dev.goroscope.correlate.Symbolizer;
import dev.goroscope.event.GoroutineCreated;
import dev.goroscope.event.GoroutineExited;
import dev.goroscope.otel.sink.ExportPipeline;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.ProcessInfo;
import io.opentelemetry.sdk.resources.Resource;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A long run of a busy HTTP service through the default output (the console tree): ten million
 * goroutines in one million traces (one per connection), synthetic events into the real
 * correlator and the real export pipeline. What is kept must not grow with what was seen: the
 * heap after the last trace is within a fixed bound of the heap after the first hundred
 * thousand (the pipeline's own bounded buffers are full by then).
 */
@Timeout(600)
class LongRunMemoryTest {

  private static final int TRACES = 1_000_000;
  private static final int PER_TRACE = 10;
  private static final long CONN_SERVE = 0x4a1000;
  private static final long HANDLER = 0x4b2000;
  /** Growth allowed from the 100,000th trace to the 1,000,000th. */
  private static final long BOUND = 24L << 20;

  @Test
  void tenMillionGoroutinesInAMillionTracesKeepTheHeapBounded() {
    ExportPipeline out = ExportPipeline.builder()
        .setEnvironmentResource(Resource.empty())
        .enableConsole(new PrintStream(OutputStream.nullOutputStream()))
        .build();
    Correlator correlator = Correlator.builder(out).setClock(() -> 0).build();
    long ts = 1_000_000_000L;
    correlator.processStarted(new ProcessInfo(7, "/srv/api", "go1.26.8", "example.com/api"),
        new Names(), ts, false);
    long goid = 100;
    long heapAtTenth = 0;
    for (int t = 1; t <= TRACES; t++) {
      // The accept loop (goroutine 1, adopted) serves a connection; its goroutine starts nine
      // handlers and ends after them.
      long conn = goid++;
      correlator.accept(new GoroutineCreated(ts += 1_000, 7, 7, 0, conn, 1, 0x4c0010, CONN_SERVE));
      for (int h = 1; h < PER_TRACE; h++) {
        long handler = goid++;
        correlator.accept(
            new GoroutineCreated(ts += 1_000, 7, 7, 0, handler, conn, 0x4c0020, HANDLER));
        correlator.accept(new GoroutineExited(ts += 1_000, 7, 7, 0, handler));
      }
      correlator.accept(new GoroutineExited(ts += 1_000, 7, 7, 0, conn));
      if (t % 10_000 == 0) {
        correlator.advanceTo(ts);
        out.flush();
      }
      if (t == TRACES / 10) {
        heapAtTenth = usedHeapAfterGc();
      }
    }
    correlator.advanceTo(ts + 1_000_000_000L); // past the reorder window: everything processed
    out.flush();
    long heapAtEnd = usedHeapAfterGc();

    assertThat(correlator.stats().goroutinesStarted()).isEqualTo((long) TRACES * PER_TRACE + 1);
    System.out.printf("heap after %,d traces: %,d bytes; after %,d: %,d bytes (%+,d)%n",
        TRACES / 10, heapAtTenth, TRACES, heapAtEnd, heapAtEnd - heapAtTenth);
    assertThat(heapAtEnd - heapAtTenth)
        .as("heap growth from trace 100,000 to 1,000,000").isLessThan(BOUND);
    assertThat(out.summary().spans()).isEqualTo((long) TRACES * PER_TRACE);
    Reference.reachabilityFence(correlator);
    correlator.close();
    out.close();
  }

  /** Names for the three PCs of the feed. */
  private static final class Names implements Symbolizer {
    @Override
    public CodeLocation creationSite(long gopc) {
      return gopc == 0x4c0010 ? new CodeLocation("net/http.(*Server).Serve", "server.go", 3454)
          : new CodeLocation("net/http.(*conn).serve", "server.go", 2100);
    }

    @Override
    public String startFunction(long startPc) {
      return startPc == CONN_SERVE ? "net/http.(*conn).serve" : "main.handler";
    }

    @Override
    public String waitReason(int code) {
      return "";
    }
  }

  private static long usedHeapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
