package dev.goroscope.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.record.GoroutineRecord;
import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import dev.goroscope.testing.RecordingSink;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Goroutines that live across the attach — alive before the probes, ending while they go live,
 * or created meanwhile — keep their identity: a busy process is attached five times and every
 * goroutine record has its start function and creation site, none is left without an end.
 */
class AttachIdentityTest {

  @Test
  void goroutinesLivingAcrossTheAttachKeepTheirIdentity() throws Exception {
    Path binary = GoToolchains.build(Path.of("src/test/go/churn"), Toolchain.GO_1_26,
        Mode.NORMAL);
    // ~2,500 goroutines a second, tasks living 100 ms: ~200 alive whenever the probes attach.
    Process target = new ProcessBuilder(binary.toString(), "-workers", "2", "-every", "1ms",
        "-life", "100ms").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    RecordingSink sink = new RecordingSink();
    StringWriter log = new StringWriter();
    try {
      Thread.sleep(300);
      for (int i = 0; i < 5; i++) {
        Attacher attacher = new Attacher(
            AttachConfig.builder().setPid((int) target.pid()).setDuration(Duration.ofSeconds(1))
                .build(),
            new GoTargetPlanner(), sink, () -> 0, () -> 0, new PrintWriter(log, true), false);
        attacher.run();
      }
    } finally {
      target.destroyForcibly();
      target.waitFor(10, TimeUnit.SECONDS);
    }
    List<GoroutineRecord> records = sink.goroutines.stream()
        .filter(r -> r.pid() == target.pid()).toList();
    assertThat(records).as(log.toString()).hasSizeGreaterThan(5_000);
    assertThat(records).filteredOn(r -> r.startFunction().isEmpty())
        .as("records without a start function (of %d)", records.size()).isEmpty();
    assertThat(records).filteredOn(r -> !r.creationSite().isKnown())
        .as("records without a creation site (of %d)", records.size())
        .allMatch(r -> r.startFunction().equals("runtime.main"));
    assertThat(records).filteredOn(r -> r.startFunction().equals("main.task"))
        .allMatch(r -> r.creationSite().function().equals("main.spawner"));
  }
}
