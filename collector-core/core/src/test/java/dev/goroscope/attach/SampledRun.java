package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.testing.RecordingSink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A {@link SampledAttacher} running on its own thread into a {@link RecordingSink}, for tests:
 * started, waited on (samples, log lines), stopped, with its log and summary.
 */
final class SampledRun implements AutoCloseable {

  final RecordingSink sink = new RecordingSink();
  final StringWriter log = new StringWriter();
  final SampledAttacher attacher;
  private final CompletableFuture<AttachSummary> run;
  private AttachSummary summary;

  SampledRun(AttachConfig config) {
    attacher = new SampledAttacher(config, new GoTargetPlanner(), sink,
        () -> sink.goroutines.size(), () -> 0, new PrintWriter(log, true), false);
    run = CompletableFuture.supplyAsync(attacher::run);
  }

  /** Sampled mode on {@code pid}, every {@code interval}; {@code more} adds to the config. */
  static SampledRun of(int pid, Duration interval,
      java.util.function.UnaryOperator<AttachConfig.Builder> more) {
    return new SampledRun(more.apply(AttachConfig.builder().setPid(pid)
        .setMode(AttachMode.SAMPLED).setSampleInterval(interval)).build());
  }

  /** Waits until {@code n} samples reached the sink. */
  SampledRun awaitSamples(int n) {
    return await(() -> sink.samples.size() >= n, Duration.ofSeconds(90));
  }

  SampledRun await(BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(run.isDone()).as("still running: %s", log).isFalse();
      assertThat(System.nanoTime()).as("in time: %s", log).isLessThan(deadline);
      sleep(20);
    }
    return this;
  }

  /** Stops and waits for the flush; the summary. */
  AttachSummary stop() {
    if (summary == null) {
      attacher.requestStop();
      try {
        summary = run.get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new AssertionError("sampled attach failed: " + log, e);
      }
    }
    return summary;
  }

  @Override
  public void close() {
    attacher.requestStop();
    try {
      run.get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the test already failed or stopped it
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
