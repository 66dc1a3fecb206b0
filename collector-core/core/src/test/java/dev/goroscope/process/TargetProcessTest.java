package dev.goroscope.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.goroscope.GoroscopeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetProcessTest {

  @Test
  void findsExecutableOfLiveProcessAndNoticesItsDeath() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      TargetProcess target = TargetProcess.of((int) sleeper.pid());
      assertThat(target.executablePath()).endsWith("/sleep");
      assertThat(target.executableName()).isEqualTo("sleep");
      assertThat(target.isAlive()).isTrue();
      assertThat(Files.isReadable(target.exeLink())).isTrue();
      sleeper.destroyForcibly();
      sleeper.waitFor(10, TimeUnit.SECONDS);
      assertThat(target.isAlive()).isFalse();
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void readsStateAndStartTimeFromAStatLineWhoseNameHasSpacesAndParentheses() {
    String running = "4242 (my (odd) prog) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 3 0 0 20 0"
        + " 7 0 987654 12345678 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0\n";
    assertThat(TargetProcess.startTimeOf(running)).isEqualTo(987654);
    assertThat(TargetProcess.isRunningStat(running)).isTrue();
    String zombie = running.replace(") S 1", ") Z 1");
    assertThat(TargetProcess.isRunningStat(zombie)).isFalse();
    assertThat(TargetProcess.isRunningStat(running.replace(") S 1", ") X 1"))).isFalse();
    assertThat(TargetProcess.startTimeOf("4242 (short) S 1 2 3\n")).isEqualTo(-1);
    assertThat(TargetProcess.isRunningStat("garbage")).isFalse();
  }

  @Test
  void startTimeIsTheSameFromTheLiveProcessAndItsStatLine() throws Exception {
    long self = ProcessHandle.current().pid();
    String stat = Files.readString(Path.of("/proc/" + self + "/stat"));
    assertThat(TargetProcess.startTime((int) self))
        .isEqualTo(Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]))
        .isPositive();
  }

  @Test
  void missingPidIsAClearError() {
    assertThatThrownBy(() -> TargetProcess.of(Integer.MAX_VALUE - 1))
        .isInstanceOf(GoroscopeException.class)
        .hasMessage("no process with pid " + (Integer.MAX_VALUE - 1));
    assertThatThrownBy(() -> TargetProcess.of(0))
        .isInstanceOf(GoroscopeException.class)
        .hasMessageContaining("not a valid process id");
  }

  @Test
  void kernelThreadIsNotAGoProgram() {
    // pid 2 is kthreadd on Linux: its exe link is empty or unreadable.
    assertThatThrownBy(() -> TargetProcess.of(2)).isInstanceOf(GoroscopeException.class);
  }

  @Test
  void watcherReturnsEachProcessOfTheExecutableOnce(@TempDir Path dir) throws Exception {
    Path copy = dir.resolve("my-sleep");
    Files.copy(Path.of("/bin/sleep"), copy);
    copy.toFile().setExecutable(true);
    ExecutableWatcher watcher = new ExecutableWatcher(copy);
    Process other = new ProcessBuilder("sleep", "60").start();
    Process first = new ProcessBuilder(copy.toString(), "60").start();
    Process second = null;
    try {
      assertThat(watcher.poll()).extracting(TargetProcess::pid).containsExactly((int) first.pid());
      assertThat(watcher.poll()).isEmpty();
      second = new ProcessBuilder(copy.toString(), "60").start();
      assertThat(watcher.poll()).extracting(TargetProcess::pid).containsExactly((int) second.pid());
    } finally {
      other.destroyForcibly();
      first.destroyForcibly();
      if (second != null) {
        second.destroyForcibly();
      }
    }
  }
}
