package dev.goroscope.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --exe}'s process finder: each process once, and memory only for what runs. */
class ExecutableWatcherTest {

  @Test
  void eachProcessIsFoundOnceAndEndedOnesAreForgotten(@TempDir Path dir) throws Exception {
    Path sleep = Files.copy(Path.of("/bin/sleep"), dir.resolve("sleep"));
    ExecutableWatcher watcher = new ExecutableWatcher(sleep);
    assertThat(watcher.poll()).isEmpty();
    Process stays = new ProcessBuilder(sleep.toString(), "60").start();
    List<Long> found = new ArrayList<>();
    try {
      for (int i = 0; i < 50; i++) {
        Process brief = new ProcessBuilder(sleep.toString(), "0.01").start();
        for (TargetProcess t : watcher.poll()) {
          found.add((long) t.pid());
        }
        assertThat(brief.waitFor(10, TimeUnit.SECONDS)).isTrue();
      }
      for (TargetProcess t : watcher.poll()) {
        found.add((long) t.pid());
      }
      assertThat(found).as("each process once").doesNotHaveDuplicates()
          .contains(stays.pid());
      assertThat(found.size()).as("most of the brief ones were seen").isGreaterThan(25);
      // 51 processes seen, one still running: only it is remembered.
      assertThat(watcher.remembered()).isEqualTo(1);
      assertThat(watcher.poll()).as("the running one is not found again").isEmpty();
    } finally {
      stays.destroyForcibly();
    }
  }
}
