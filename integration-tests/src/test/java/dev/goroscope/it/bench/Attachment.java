package dev.goroscope.it.bench;

import java.util.Optional;

/**
 * What one mode attaches to a running target after it started: nothing (no tracer, or Go's own
 * tracers, which the target runs itself), the empty uprobes of the floor, or the goroscope
 * sidecar. Closing detaches whatever is still attached.
 */
final class Attachment implements AutoCloseable {
  private final EmptyUprobes floor;
  private final Sidecar sidecar;
  private Sidecar.Counts counts;

  private Attachment(EmptyUprobes floor, Sidecar sidecar) {
    this.floor = floor;
    this.sidecar = sidecar;
  }

  static Attachment attach(Mode mode, int pid, DefaultSites sites, Sidecars sidecars) {
    return switch (mode.kind()) {
      case PLAIN -> new Attachment(null, null);
      case EMPTY_UPROBES -> new Attachment(EmptyUprobes.attach(sites, pid), null);
      case GOROSCOPE -> new Attachment(null, sidecars.attach(mode, pid));
    };
  }

  /** Uprobes attached: the floor's links, or the count goroscope printed; 0 without probes. */
  int uprobes() {
    return floor != null ? floor.linkCount() : sidecar != null ? sidecar.uprobes() : 0;
  }

  /** The sidecar's CPU counters now; empty when there is no sidecar. */
  Optional<ProcessCpu> cpu() {
    return sidecar == null ? Optional.empty() : Optional.of(sidecar.cpu());
  }

  /**
   * The time inside the attached BPF programs so far: the floor's, held by this JVM (nothing
   * else here holds programs while a mode is measured), or the sidecar's; empty without either.
   */
  Optional<BpfProgramTime> bpfTime() {
    if (floor != null) {
      return Optional.of(BpfProgramTime.of(ProcessHandle.current().pid()));
    }
    return sidecar == null ? Optional.empty() : Optional.of(BpfProgramTime.of(sidecar.pid()));
  }

  /** Detaches; the sidecar's counts when there is one. */
  Optional<Sidecar.Counts> detach() {
    if (floor != null) {
      floor.close();
    }
    if (sidecar != null && counts == null) {
      counts = sidecar.stop();
    }
    return Optional.ofNullable(counts);
  }

  @Override
  public void close() {
    if (floor != null) {
      floor.close(); // idempotent
    }
    if (sidecar != null) {
      sidecar.close(); // SIGTERM, then SIGKILL, if still running
    }
  }
}
