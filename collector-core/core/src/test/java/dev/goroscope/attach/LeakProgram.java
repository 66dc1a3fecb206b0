package dev.goroscope.attach;

import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code src/test/go/leakprog} running in one of its modes ({@code leak}: 20 goroutines a
 * second blocked for good on one channel; {@code steady}: a busy pool where nothing grows;
 * {@code churn}: 2,000 short goroutines a second): its pid and the address of the channel the
 * leak blocks on.
 */
final class LeakProgram implements AutoCloseable {

  private static final Pattern ADDR = Pattern.compile("addr sink 0x([0-9a-f]+)");

  private final Process process;
  private final long sink;

  private LeakProgram(Process process, long sink) {
    this.process = process;
    this.sink = sink;
  }

  static LeakProgram start(String mode, Toolchain toolchain) {
    Path binary = GoToolchains.build(Path.of("src/test/go/leakprog"), toolchain, Mode.NORMAL);
    try {
      Process p = new ProcessBuilder(binary.toString(), mode).redirectErrorStream(true).start();
      BufferedReader out = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      long sink = 0;
      for (String l = out.readLine(); ; l = out.readLine()) {
        if (l == null) {
          throw new IOException("leakprog " + mode + " exited before it was ready");
        }
        Matcher m = ADDR.matcher(l);
        if (m.matches()) {
          sink = Long.parseUnsignedLong(m.group(1), 16);
        }
        if (l.equals("ready")) {
          break;
        }
      }
      return new LeakProgram(p, sink);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int pid() {
    return (int) process.pid();
  }

  /** The channel {@code main.blockedSend} goroutines block on. */
  long sink() {
    return sink;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
