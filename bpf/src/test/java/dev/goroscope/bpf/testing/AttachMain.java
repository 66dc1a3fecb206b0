package dev.goroscope.bpf.testing;

import dev.goroscope.testing.GoToolchains.Mode;
import dev.goroscope.testing.GoToolchains.Toolchain;

/**
 * Child JVM for the "killed sidecar leaves no probe" test: {@code AttachMain TOOLCHAIN MODE PID}
 * attaches every probe to the pid, prints "attached N" and waits to be killed.
 */
public final class AttachMain {
  private AttachMain() {}

  public static void main(String[] args) throws Exception {
    Toolchain go = Toolchain.valueOf(args[0]);
    Mode mode = Mode.valueOf(args[1]);
    int pid = Integer.parseInt(args[2]);
    Probes probes = new Probes(ProbeSites.of(go, mode), pid, new Probes.Options());
    System.out.println("attached " + probes.links.size());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
