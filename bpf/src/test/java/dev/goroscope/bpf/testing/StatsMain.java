package dev.goroscope.bpf.testing;

import dev.goroscope.bpf.stats.RunTimeStats;

/** Child JVM for RunTimeStatsTest: turns the statistics on, says so, and waits to be killed. */
public final class StatsMain {
  private StatsMain() {}

  public static void main(String[] args) throws InterruptedException {
    RunTimeStats stats = RunTimeStats.enable(); // never closed: the kill must do it
    System.out.println("enabled " + stats);
    System.out.flush();
    Thread.sleep(60_000);
  }
}
