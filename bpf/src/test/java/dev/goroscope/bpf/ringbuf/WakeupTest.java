package dev.goroscope.bpf.ringbuf;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.bpf.testing.ProbeSites;
import dev.goroscope.bpf.testing.Probes;
import dev.goroscope.bpf.testing.Target;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The programs wake a reader that waits without a timeout once the threshold's worth of records
 * waits, and never for less: each CPU looks at the waiting data only every few records, so the
 * wakeup may come a little after the threshold, but it must come (goroscope's reader would
 * otherwise sit out its poll timeout while the ring fills).
 */
class WakeupTest {

  private static final int SPAWNS = 5000; // a creation and an exit each: 10,000 records
  /** The least a record takes in the ring: an exit, 32 bytes and the ring's 8-byte header. */
  private static final int MIN_RECORD = 40;
  private static final long MIN_WRITTEN = 2L * SPAWNS * MIN_RECORD;

  @Test
  void aReaderWaitingWithoutTimeoutIsWokenAsTheThresholdIsCrossed() throws Exception {
    long threshold = 64 * 1024; // the planner's: each CPU looks every 64 of its records
    try (Run run = new Run(threshold)) {
      assertThat(MIN_WRITTEN).as("the workload writes several thresholds' worth")
          .isGreaterThan(4 * threshold);
      run.workload();
      // Left waiting after the last wakeup: under the threshold, plus what each CPU writes
      // between two looks (64 records of at most 64 bytes).
      long slack = threshold + 64L * 64 * Runtime.getRuntime().availableProcessors();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (run.probes.reader.pending() >= slack && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(run.probes.reader.pending()).isLessThan(slack);
      assertThat(run.delivered.get()).isGreaterThanOrEqualTo(2L * SPAWNS - slack / MIN_RECORD);
    }
  }

  @Test
  void aReaderIsNotWokenForLessThanTheThreshold() throws Exception {
    long threshold = 1L << 40;
    try (Run run = new Run(threshold)) {
      run.workload();
      Thread.sleep(500);
      assertThat(run.probes.reader.pending()).as("nothing woke the reader: all still waits")
          .isGreaterThanOrEqualTo(MIN_WRITTEN);
      assertThat(run.delivered.get()).isLessThan(SPAWNS / 10);
    }
  }

  /** The probes on a target and a reader that waits for wakeups, with no timeout. */
  private static final class Run implements AutoCloseable {
    final Target target;
    final Probes probes;
    final AtomicLong delivered = new AtomicLong();
    final Thread reader;

    Run(long wakeupBytes) throws Exception {
      ProbeSites sites = ProbeSites.ready(Toolchain.GO_1_26, Mode.NORMAL);
      target = Target.start(sites.binary, "-spawn", Integer.toString(SPAWNS));
      Probes.Options o = new Probes.Options();
      o.read = false; // this test's own reader below
      o.wakeupBytes = wakeupBytes;
      probes = new Probes(sites, target.pid(), o);
      reader = new Thread(() -> {
        try {
          while (true) {
            delivered.addAndGet(probes.reader.poll(r -> { }, Duration.ofSeconds(-1)));
          }
        } catch (IllegalStateException closed) {
          // the reader was closed: the test is over
        }
      }, "wakeup-test-reader");
      reader.setDaemon(true);
      reader.start();
    }

    /** Runs the target to its end: every record is in the ring when this returns. */
    void workload() throws Exception {
      Target.Result r = target.go();
      assertThat(r.exitCode()).isZero();
      assertThat(r.linesOf("spawn")).hasSize(1);
    }

    @Override
    public void close() {
      probes.close(); // closes the reader: its poll returns, the next one throws
      try {
        reader.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      target.close();
    }
  }
}
