package dev.goroscope.it.bench;

import dev.goroscope.bpf.BpfObject;
import dev.goroscope.bpf.link.UprobeLink;
import java.util.ArrayList;
import java.util.List;

/**
 * The trap floor: {@code empty.bpf.o} (a program that returns 0) attached at each of
 * goroscope's default sites, for one process only. What the target loses then is the uprobe
 * traps themselves; no BPF work, no ring buffer, no sidecar.
 */
final class EmptyUprobes implements AutoCloseable {
  /** Compiled by the bpf module's build from bpf/src/test/c/empty.bpf.c (its test-jar). */
  static final String RESOURCE = "dev/goroscope/bpf/testing/empty.bpf.o";
  static final String PROGRAM = "empty";

  private final BpfObject object;
  private final List<UprobeLink> links = new ArrayList<>();

  private EmptyUprobes(BpfObject object) {
    this.object = object;
  }

  static EmptyUprobes attach(DefaultSites sites, int pid) {
    EmptyUprobes probes = new EmptyUprobes(BpfObject.openResource(RESOURCE));
    try {
      probes.object.load();
      for (DefaultSites.Site site : sites.sites()) {
        probes.links.add(UprobeLink.attach(probes.object.program(PROGRAM), pid, sites.binary(),
            site.fileOffset()));
      }
    } catch (RuntimeException e) {
      probes.close();
      throw e;
    }
    return probes;
  }

  int linkCount() {
    return links.size();
  }

  @Override
  public void close() {
    for (UprobeLink link : links) {
      link.close();
    }
    links.clear();
    object.close();
  }
}
