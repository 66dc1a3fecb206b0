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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The kernel side of watching one process: a BPF object loaded with that process's constants,
 * one uprobe link per site (for this pid only, so other processes of the same executable never
 * trap), and the ring buffer the programs write to. Closing detaches every probe; if the JVM
 * dies instead, the kernel drops the links with its file descriptors.
 */
final class ProcessProbes implements AutoCloseable {

  /** How often {@link #newLosses()} reads the kernel's loss counter. */
  static final long LOSS_CHECK_INTERVAL_NS = 100_000_000L;

  private final TargetProcess target;
  private final BpfObject object;
  private final List<UprobeLink> links;
  private final RingBufferReader ring;
  private final LossCounter losses;
  private long lastLossCheckNs = System.nanoTime() - LOSS_CHECK_INTERVAL_NS;

  private ProcessProbes(
      TargetProcess target, BpfObject object, List<UprobeLink> links, RingBufferReader ring,
      LossCounter losses) {
    this.target = target;
    this.object = object;
    this.links = links;
    this.ring = ring;
    this.losses = losses;
  }

  /**
   * Loads and attaches; on failure closes whatever was opened and rethrows.
   *
   * @param ringBytes ring buffer size in bytes (a power of two, multiple of the page size)
   */
  static ProcessProbes open(TargetProcess target, ProcessPlan plan, int ringBytes) {
    BpfObject object = BpfObject.openResource(GoroscopeBpf.RESOURCE);
    List<UprobeLink> links = new ArrayList<>();
    RingBufferReader ring = null;
    try {
      for (Map.Entry<String, Long> c : plan.constants().entrySet()) {
        object.setConstant(c.getKey(), c.getValue());
      }
      object.setConstant(GoroscopeBpf.TARGET_TGID, target.pid());
      // Our pids may not be the host's (a pod sharing its process namespace): then the kernel
      // side filters by ours; 0 and 0 mean the host's.
      PidNamespace pidns = PidNamespace.current();
      object.setConstant(GoroscopeBpf.PIDNS_DEV, pidns.isInitial() ? 0 : pidns.device());
      object.setConstant(GoroscopeBpf.PIDNS_INO, pidns.isInitial() ? 0 : pidns.inode());
      object.map(GoroscopeBpf.MAP_EVENTS).setMaxEntries(ringBytes);
      object.load();
      for (ProbePlan.Site site : plan.sites()) {
        links.add(
            UprobeLink.attach(
                object.program(site.program()), target.pid(), target.exeLink(),
                site.fileOffset()));
      }
      ring = RingBufferReader.open(object.map(GoroscopeBpf.MAP_EVENTS));
      LossCounter losses = LossCounter.of(object.map(GoroscopeBpf.MAP_LOST));
      return new ProcessProbes(target, object, links, ring, losses);
    } catch (RuntimeException e) {
      if (ring != null) {
        ring.close();
      }
      closeAll(links);
      object.close();
      throw e;
    }
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

  @Override
  public void close() {
    closeAll(links);
    ring.close();
    object.close();
  }

  private static void closeAll(List<UprobeLink> links) {
    for (int i = links.size() - 1; i >= 0; i--) {
      links.get(i).close();
    }
    links.clear();
  }
}
