package dev.goroscope.bpf.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A running test program: started, waits at "ready" until {@link #go()}, then runs to exit. */
public final class Target implements AutoCloseable {
  private final Process process;
  private final BufferedReader out;

  private Target(Process process) {
    this.process = process;
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
  }

  public static Target start(Path binary, String... args) throws IOException {
    return start(java.util.Map.of(), binary, args);
  }

  /** As {@link #start(Path, String...)}, with {@code env} added to the environment. */
  public static Target start(java.util.Map<String, String> env, Path binary, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(binary.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().putAll(env);
    Process p = pb.start();
    Target t = new Target(p);
    String first = t.out.readLine();
    if (!"ready".equals(first)) {
      p.destroyForcibly();
      throw new IOException(binary + " did not print ready but " + first);
    }
    return t;
  }

  public int pid() {
    return (int) process.pid();
  }

  /** Releases the program and reads its output to the end. */
  public Result go() throws IOException, InterruptedException {
    OutputStream in = process.getOutputStream();
    in.write('\n');
    in.flush();
    List<String> lines = new ArrayList<>();
    String line;
    while ((line = out.readLine()) != null) {
      lines.add(line);
    }
    if (!process.waitFor(2, TimeUnit.MINUTES)) {
      throw new IOException("target did not exit");
    }
    return new Result(lines, process.exitValue());
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  public record Result(List<String> lines, int exitCode) {
    public List<String[]> linesOf(String tag) {
      List<String[]> r = new ArrayList<>();
      for (String l : lines) {
        if (l.startsWith(tag + " ")) {
          r.add(l.split(" "));
        }
      }
      return r;
    }
  }
}
