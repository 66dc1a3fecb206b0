package dev.goroscope.sample;

import dev.goroscope.testing.GoToolchains;
import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Go program {@code src/test/go/stateprog} running: goroutines parked in known states, the
 * addresses of its channels and locks, and its own {@code runtime.Stack(buf, true)} on request
 * — the oracle sampler and dump tests compare against. Shared with the CLI's tests.
 */
public final class StateProgram implements AutoCloseable {

  private static final Pattern ADDR = Pattern.compile("addr (\\w+) 0x([0-9a-f]+)");
  private static final Pattern HEADER = Pattern.compile("^goroutine (\\d+) \\[");

  private final Process process;
  private final BufferedReader out;
  private final OutputStream in;
  private final Map<String, Long> addresses = new HashMap<>();
  private final Path binary;

  private StateProgram(Path binary) throws IOException {
    this.binary = binary;
    this.process = new ProcessBuilder(binary.toString()).redirectErrorStream(true).start();
    this.out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = process.getOutputStream();
    for (String l = out.readLine(); ; l = out.readLine()) {
      if (l == null) {
        throw new IOException("stateprog exited before it was ready");
      }
      if (l.equals("ready")) {
        break;
      }
      Matcher m = ADDR.matcher(l);
      if (m.matches()) {
        addresses.put(m.group(1), Long.parseUnsignedLong(m.group(2), 16));
      }
    }
  }

  /** Builds (once per JVM) and starts the program; returns once every goroutine is parked. */
  public static StateProgram start(Toolchain toolchain, Mode mode) {
    try {
      return new StateProgram(GoToolchains.build("stateprog", toolchain, mode));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int pid() {
    return (int) process.pid();
  }

  public Path binary() {
    return binary;
  }

  /** The address the program printed for {@code name} (full, unbuf, selA, selB, mu, rw, wg, cond). */
  public long address(String name) {
    Long a = addresses.get(name);
    if (a == null) {
      throw new IllegalArgumentException("no address " + name + " in " + addresses.keySet());
    }
    return a;
  }

  /** The program's own {@code runtime.Stack(buf, true)}, now. */
  public String goDump() {
    try {
      in.write("dump\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      StringBuilder sb = new StringBuilder();
      String l = out.readLine();
      while (l != null && !l.equals("BEGIN")) {
        l = out.readLine();
      }
      for (l = out.readLine(); l != null && !l.equals("END"); l = out.readLine()) {
        sb.append(l).append('\n');
      }
      return sb.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends {@code command} ({@code recv1}: one value to unbuf's receivers; {@code take}: one job
   * out of full) and waits for the program's answer, then a moment for the woken goroutine to
   * finish.
   */
  public void command(String command) {
    try {
      in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
      for (String l = out.readLine(); l != null && !l.equals("done"); l = out.readLine()) {
        // skip
      }
      Thread.sleep(200);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A dump cut into goroutine blocks by goid, each block's lines ending in newlines. */
  public static Map<Long, String> blocks(String dump) {
    Map<Long, String> out = new LinkedHashMap<>();
    long goid = -1;
    StringBuilder sb = new StringBuilder();
    for (String l : dump.split("\n", -1)) {
      Matcher m = HEADER.matcher(l);
      if (m.find()) {
        if (goid >= 0) {
          out.put(goid, sb.toString());
        }
        goid = Long.parseLong(m.group(1));
        sb.setLength(0);
      }
      if (goid >= 0 && !l.isEmpty()) {
        sb.append(l).append('\n');
      }
    }
    if (goid >= 0) {
      out.put(goid, sb.toString());
    }
    return out;
  }

  /** Argument values replaced by {@code ...}: Go prints them, goroscope does not read them. */
  public static String withoutArguments(String block) {
    StringBuilder sb = new StringBuilder();
    for (String l : block.split("\n", -1)) {
      if (!l.startsWith("\t") && !l.startsWith("goroutine ") && !l.startsWith("created by ")
          && l.endsWith(")")) {
        int open = openOfLastGroup(l);
        l = l.substring(0, open) + "(...)";
      }
      sb.append(l).append('\n');
    }
    return sb.substring(0, sb.length() - 1);
  }

  private static int openOfLastGroup(String l) {
    int depth = 0;
    for (int i = l.length() - 1; i >= 0; i--) {
      char c = l.charAt(i);
      if (c == ')') {
        depth++;
      } else if (c == '(') {
        depth--;
        if (depth == 0) {
          return i;
        }
      }
    }
    return l.length();
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException e) {
      // the process is being stopped anyway
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
