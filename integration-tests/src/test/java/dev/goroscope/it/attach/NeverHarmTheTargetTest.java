package dev.goroscope.it.attach;

import static org.assertj.core.api.Assertions.assertThat;

import dev.goroscope.it.cli.Goroscope;
import dev.goroscope.it.go.ExampleProcess;
import dev.goroscope.it.go.Examples;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * goroscope attached and detached 50 times to one busy worker pool, a third of the times ended
 * cleanly (SIGINT), a third killed with SIGKILL in the middle of attaching (some breakpoints in,
 * "attached" not yet said), a third killed with SIGKILL while streaming. The pool's results stay
 * right (every round's checksum is recomputed here), it never stops, and after every run its
 * code in memory is byte for byte its file's: no breakpoint of goroscope is left behind.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class NeverHarmTheTargetTest {
  private static final int RUNS = 50;
  private static final int JOBS = 32;
  private static final Pattern ROUND =
      Pattern.compile("round (\\d+): " + JOBS + " jobs, 4 workers, checksum ([0-9a-f]{8})");
  private static final Path UPROBE_EVENTS = Path.of("/sys/kernel/tracing/uprobe_events");

  @Test
  void attachAndDetachFiftyTimesIncludingKillsLeavesTheTargetWhole() throws Exception {
    Path binary = Examples.binary(Examples.WORKER_POOL);
    try (ExampleProcess pool = ExampleProcess.start(binary, "-jobs", Integer.toString(JOBS),
        "-job-time", "0s", "-pause", "5ms")) {
      pool.awaitReady(Duration.ofSeconds(30));
      Text text = Text.of(pool.pid(), binary);
      assertThat(text.breakpoints()).as("before any attach").isZero();

      int clean = 0;
      int killedAttaching = 0;
      int killedStreaming = 0;
      for (int run = 0; run < RUNS; run++) {
        ExampleProcess goroscope =
            Goroscope.start("attach", "--pid", Long.toString(pool.pid()), "--output", "jsonl");
        try (goroscope) {
          switch (run % 3) {
            case 0 -> {
              awaitAttached(goroscope);
              assertThat(text.breakpoints()).as("probes while attached (the check sees them)")
                  .isPositive();
              AttachRun.sleep(300);
              assertThat(goroscope.interrupt(Duration.ofSeconds(30)))
                  .as(goroscope.transcript()).isZero();
              clean++;
            }
            case 1 -> {
              // SIGKILL as soon as the first breakpoint is in, before "attached".
              long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
              while (text.breakpoints() == 0) {
                assertThat(System.nanoTime()).as("no breakpoint appeared\n%s",
                    goroscope.transcript()).isLessThan(deadline);
                assertThat(goroscope.isAlive()).as(goroscope.transcript()).isTrue();
              }
              kill(goroscope.pid());
              goroscope.awaitExit(Duration.ofSeconds(30));
              if (goroscope.stderr().stream().noneMatch(NeverHarmTheTargetTest::isAttached)) {
                killedAttaching++;
              }
            }
            default -> {
              awaitAttached(goroscope);
              AttachRun.sleep(300);
              kill(goroscope.pid());
              assertThat(goroscope.awaitExit(Duration.ofSeconds(30))).isEqualTo(128 + 9);
              killedStreaming++;
            }
          }
        }
        awaitNoBreakpoint(text, run);
        assertThat(pool.isAlive()).as("the pool after run %d\n%s", run, pool.transcript()).isTrue();
        assertThat(uprobeEventsOf(binary)).as("tracefs uprobes on the pool after run %d", run)
            .isEmpty();
      }
      assertThat(clean).as("clean runs").isEqualTo((RUNS + 2) / 3);
      assertThat(killedStreaming).as("runs killed while streaming").isEqualTo(RUNS / 3);
      // The attach takes long enough that the poll sees it half done most of the times.
      assertThat(killedAttaching).as("runs killed mid-attach").isGreaterThanOrEqualTo(RUNS / 6);

      assertThat(pool.stop(Duration.ofSeconds(30))).as(pool.transcript()).isZero();
      int rounds = checkRounds(pool.stdout());
      System.out.printf("never harm: %d runs (%d clean, %d killed mid-attach, %d killed"
          + " streaming), %d rounds checked%n", RUNS, clean, killedAttaching, killedStreaming,
          rounds);
      assertThat(pool.stdout()).as(pool.transcript()).contains("done rounds=" + rounds);
      assertThat(rounds).as("rounds during the runs").isGreaterThan(RUNS);
    }
  }

  private static boolean isAttached(String line) {
    return line.startsWith("goroscope: attached to pid ");
  }

  private static void awaitAttached(ExampleProcess goroscope) {
    long deadline = System.nanoTime() + AttachRun.ATTACH_TIMEOUT.toNanos();
    while (goroscope.stderr().stream().noneMatch(NeverHarmTheTargetTest::isAttached)) {
      assertThat(goroscope.isAlive()).as(goroscope.transcript()).isTrue();
      assertThat(System.nanoTime()).as("not attached\n%s", goroscope.transcript())
          .isLessThan(deadline);
      AttachRun.sleep(20);
    }
  }

  /** The kernel removes a dead process's uprobes as it closes its files: soon, not at once. */
  private static void awaitNoBreakpoint(Text text, int run) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int left;
    while ((left = text.breakpoints()) != 0 && System.nanoTime() < deadline) {
      AttachRun.sleep(20);
    }
    assertThat(left).as("bytes of the pool's code that differ from its file after run %d", run)
        .isZero();
  }

  /** Every round's checksum as the pool must have computed it; returns the last round. */
  private static int checkRounds(List<String> stdout) {
    int last = 0;
    for (String line : stdout) {
      Matcher m = ROUND.matcher(line);
      if (line.startsWith("round ")) {
        assertThat(m.matches()).as(line).isTrue();
        int round = Integer.parseInt(m.group(1));
        assertThat(round).isEqualTo(last + 1);
        assertThat(m.group(2)).as("checksum of round %d", round).isEqualTo(checksum(round));
        last = round;
      }
    }
    return last;
  }

  /** XOR of FNV-1a 32 over "round/n" for every job, as main.worker and main.collect do. */
  private static String checksum(int round) {
    int x = 0;
    for (int n = 0; n < JOBS; n++) {
      int h = 0x811c9dc5;
      for (byte b : (round + "/" + n).getBytes(StandardCharsets.US_ASCII)) {
        h ^= b & 0xff;
        h *= 0x01000193;
      }
      x ^= h;
    }
    return String.format("%08x", x);
  }

  private static List<String> uprobeEventsOf(Path binary) throws IOException {
    if (!Files.isReadable(UPROBE_EVENTS)) {
      return List.of();
    }
    return Files.readAllLines(UPROBE_EVENTS).stream()
        .filter(l -> l.contains(binary.toString())).toList();
  }

  private static void kill(long pid) {
    try {
      Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(pid)).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0)
          .as("kill -KILL %d", pid).isTrue();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The executable's code mappings of a process: what memory holds against what the file does. */
  private record Text(Path mem, List<long[]> ranges, List<byte[]> file) {
    static Text of(long pid, Path binary) throws IOException {
      Path exe = binary.toRealPath();
      List<long[]> ranges = new ArrayList<>();
      List<byte[]> file = new ArrayList<>();
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
        String[] f = line.trim().split("\\s+", 6);
        if (f.length == 6 && f[1].contains("x") && Path.of(f[5]).equals(exe)) {
          String[] span = f[0].split("-");
          long start = Long.parseUnsignedLong(span[0], 16);
          long end = Long.parseUnsignedLong(span[1], 16);
          long offset = Long.parseUnsignedLong(f[2], 16);
          try (RandomAccessFile in = new RandomAccessFile(exe.toFile(), "r")) {
            int length = (int) Math.min(end - start, in.length() - offset);
            byte[] bytes = new byte[length];
            in.seek(offset);
            in.readFully(bytes);
            ranges.add(new long[] {start, length});
            file.add(bytes);
          }
        }
      }
      assertThat(ranges).as("code mappings of %s in pid %d", exe, pid).isNotEmpty();
      return new Text(Path.of("/proc/" + pid + "/mem"), ranges, file);
    }

    /** How many bytes of code differ from the file (uprobes put an int3 at each site). */
    int breakpoints() {
      int differ = 0;
      try (RandomAccessFile in = new RandomAccessFile(mem.toFile(), "r")) {
        for (int i = 0; i < ranges.size(); i++) {
          byte[] now = new byte[(int) ranges.get(i)[1]];
          in.seek(ranges.get(i)[0]);
          in.readFully(now);
          byte[] want = file.get(i);
          if (!Arrays.equals(now, want)) {
            for (int j = 0; j < now.length; j++) {
              if (now[j] != want[j]) {
                differ++;
              }
            }
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException("read " + mem + ": " + e.getMessage(), e);
      }
      return differ;
    }
  }
}
