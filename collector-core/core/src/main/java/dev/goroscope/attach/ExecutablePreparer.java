package dev.goroscope.attach;

import dev.goroscope.process.ExecutableWatcher;
import dev.goroscope.process.TargetProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code --exe}: looks for the executable's processes every scan interval and prepares each new
 * one ({@link Prepared#of}: plan, BPF load) on its own thread, so the thread that drains the
 * rings of the processes already watched never waits for a new one. The draining thread takes
 * the results with {@link #take()}.
 */
final class ExecutablePreparer implements AutoCloseable {

  private final ExecutableWatcher watcher;
  private final TargetPlanner planner;
  private final AttachConfig config;
  private final ConcurrentLinkedQueue<Prepared> ready = new ConcurrentLinkedQueue<>();
  private final LinkedBlockingQueue<TargetProcess> again = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile boolean stopped;

  ExecutablePreparer(ExecutableWatcher watcher, TargetPlanner planner, AttachConfig config) {
    this.watcher = watcher;
    this.planner = planner;
    this.config = config;
    this.thread = new Thread(this::run, "goroscope-prepare");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** What was prepared since the last call, oldest first. */
  List<Prepared> take() {
    List<Prepared> out = new ArrayList<>();
    for (Prepared p = ready.poll(); p != null; p = ready.poll()) {
      out.add(p);
    }
    return out;
  }

  /** Prepares {@code target} again (it changed while being attached), soon. */
  void prepareAgain(TargetProcess target) {
    again.add(target);
  }

  private void run() {
    long scanNs = config.exeScanInterval().toNanos();
    long nextScan = System.nanoTime();
    while (!stopped) {
      List<TargetProcess> targets = new ArrayList<>();
      again.drainTo(targets);
      if (System.nanoTime() - nextScan >= 0) {
        targets.addAll(watcher.poll());
        nextScan = System.nanoTime() + scanNs;
      }
      for (TargetProcess t : targets) {
        if (stopped) {
          return;
        }
        ready.add(Prepared.of(t, planner, config));
      }
      try {
        TargetProcess next = again.poll(
            Math.max(1, nextScan - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (next != null) {
          again.add(next);
        }
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops looking, waits for the thread, and releases what was prepared but not taken. */
  @Override
  public void close() {
    stopped = true;
    thread.interrupt();
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    for (Prepared p : take()) {
      p.discard();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
