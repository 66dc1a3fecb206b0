package dev.goroscope.attach;

import dev.goroscope.bpf.BpfObject;
import dev.goroscope.bpf.GoroscopeBpf;
import dev.goroscope.bpf.PidNamespace;
import dev.goroscope.bpf.link.UprobeLink;
import dev.goroscope.bpf.ringbuf.LossCounter;
import dev.goroscope.bpf.ringbuf.RecordHandler;
import dev.goroscope.bpf.ringbuf.RingBufferReader;
import dev.goroscope.probe.ProbePlan;
import dev.goroscope.process.TargetProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The kernel side of watching one process: a BPF object loaded with that process's constants,
 * one uprobe link per site (for this pid only, so other processes of the same executable never
 * trap), and the ring buffer the programs write to. Closing detaches every probe; if the JVM
 * dies instead, the kernel drops the links with its file descriptors.
 *
 * <p>Two steps, so the slow one stays off the thread that drains the rings: {@link #load}
 * (verifier, maps; nothing is live yet) and {@link #attach} (the uprobes, in the order the
 * caller chooses). The links go on the executable the plan was computed from ({@link
 * ProcessPlan#executable()}), never on what {@code /proc/PID/exe} names by then.
 */
final class ProcessProbes implements AutoCloseable {

  /** How often {@link #newLosses()} reads the kernel's loss counter. */
  static final long LOSS_CHECK_INTERVAL_NS = 100_000_000L;

  private final TargetProcess target;
  private final Path binary;
  private final List<ProbePlan.Site> pending;
  private final BpfObject object;
  private final List<UprobeLink> links = new ArrayList<>();
  private final RingBufferReader ring;
  private final LossCounter losses;
  private long lastLossCheckNs = System.nanoTime() - LOSS_CHECK_INTERVAL_NS;

  private ProcessProbes(
      TargetProcess target, Path binary, List<ProbePlan.Site> sites, BpfObject object,
      RingBufferReader ring, LossCounter losses) {
    this.target = target;
    this.binary = binary;
    this.pending = new ArrayList<>(sites);
    this.object = object;
    this.ring = ring;
    this.losses = losses;
  }

  /**
   * Loads the BPF object with the plan's constants and maps its ring; no probe is attached
   * yet. On failure closes whatever was opened and rethrows.
   *
   * @param ringBytes ring buffer size in bytes (a power of two, multiple of the page size)
   */
  static ProcessProbes load(TargetProcess target, ProcessPlan plan, int ringBytes) {
    BpfObject object = BpfObject.openResource(GoroscopeBpf.RESOURCE);
    RingBufferReader ring = null;
    try {
      for (Map.Entry<String, Long> c : plan.constants().entrySet()) {
        object.setConstant(c.getKey(), c.getValue());
      }
      Long wakeup = plan.constants().get(GoroscopeBpf.WAKEUP_BYTES);
      if (wakeup != null) {
        object.setConstant(GoroscopeBpf.WAKEUP_BYTES, wakeupBytes(wakeup, ringBytes));
      }
      object.setConstant(GoroscopeBpf.TARGET_TGID, target.pid());
      // Our pids may not be the host's (a pod sharing its process namespace): then the kernel
      // side filters by ours; 0 and 0 mean the host's.
      PidNamespace pidns = PidNamespace.current();
      object.setConstant(GoroscopeBpf.PIDNS_DEV, pidns.isInitial() ? 0 : pidns.device());
      object.setConstant(GoroscopeBpf.PIDNS_INO, pidns.isInitial() ? 0 : pidns.inode());
      object.map(GoroscopeBpf.MAP_EVENTS).setMaxEntries(ringBytes);
      object.load();
      ring = RingBufferReader.open(object.map(GoroscopeBpf.MAP_EVENTS));
      LossCounter losses = LossCounter.of(object.map(GoroscopeBpf.MAP_LOST));
      return new ProcessProbes(target, plan.executable().path(), plan.sites(), object, ring,
          losses);
    } catch (RuntimeException e) {
      if (ring != null) {
        ring.close();
      }
      object.close();
      throw e;
    }
  }

  /**
   * The planned wakeup threshold, at most a quarter of the ring: a small ring ({@code
   * --ring-bytes}) must wake the reader before it fills, not only at the poll timeout.
   */
  static long wakeupBytes(long planned, int ringBytes) {
    return Math.min(planned, ringBytes / 4);
  }

  /**
   * Loads and attaches every site; on failure closes whatever was opened and rethrows.
   *
   * @param ringBytes ring buffer size in bytes (a power of two, multiple of the page size)
   */
  static ProcessProbes open(TargetProcess target, ProcessPlan plan, int ringBytes) {
    ProcessProbes probes = load(target, plan, ringBytes);
    try {
      probes.attach(site -> true);
    } catch (RuntimeException e) {
      probes.close();
      throw e;
    }
    return probes;
  }

  /**
   * Attaches the sites of the plan that {@code which} accepts and are not attached yet, in plan
   * order. On failure the links attached so far stay (close them with {@link #close()}).
   *
   * @return how many were attached by this call
   */
  int attach(Predicate<ProbePlan.Site> which) {
    int attached = 0;
    for (int i = 0; i < pending.size(); ) {
      ProbePlan.Site site = pending.get(i);
      if (!which.test(site)) {
        i++;
        continue;
      }
      links.add(UprobeLink.attach(object.program(site.program()), target.pid(), binary,
          site.fileOffset()));
      pending.remove(i);
      attached++;
    }
    return attached;
  }

  TargetProcess target() {
    return target;
  }

  int linkCount() {
    return links.size();
  }

  /** Hands every waiting record to {@code handler}, waiting up to {@code timeout} for one. */
  int poll(RecordHandler handler, Duration timeout) {
    return ring.poll(handler, timeout);
  }

  /** The system calls in flight ({@code --probe syscall}): the BPF syscalls map's entries. */
  List<byte[][]> syscallsInFlight() {
    return object.map(GoroscopeBpf.MAP_SYSCALLS).entries(ThreadWatch.MAX_ENTRIES);
  }

  /**
   * Events the kernel dropped (ring full) since the last report, read at most every {@link
   * #LOSS_CHECK_INTERVAL_NS}; 0 in between. Reading the per-CPU counter is a system call through
   * JNA (tens of µs): once per poll it was 8% of the drain thread's CPU under load.
   */
  long newLosses() {
    long now = System.nanoTime();
    if (now - lastLossCheckNs < LOSS_CHECK_INTERVAL_NS) {
      return 0;
    }
    lastLossCheckNs = now;
    return losses.newLosses();
  }

  /** Every loss not reported yet, read now (before the ring is closed or the run ends). */
  long remainingLosses() {
    lastLossCheckNs = System.nanoTime();
    return losses.newLosses();
  }

  /** Detaches every probe (slow: the kernel waits until each is unused), then unloads. */
  @Override
  public void close() {
    for (int i = links.size() - 1; i >= 0; i--) {
      links.get(i).close();
    }
    links.clear();
    ring.close();
    object.close();
  }
}
