package dev.goroscope.attach;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What to load into the kernel for one target binary: the {@code volatile const} values of the
 * BPF object and the uprobe sites, each a program at a file offset of the executable.
 *
 * @param constants BPF {@code volatile const} name → value (offsets, addresses)
 * @param sites where to attach which program; every offset is an instruction boundary
 */
public record BpfPlan(Map<String, Long> constants, List<Site> sites) {

  public BpfPlan {
    constants = Map.copyOf(constants);
    sites = List.copyOf(sites);
  }

  /**
   * One uprobe.
   *
   * @param program the BPF program name
   * @param function the Go function it watches, for messages
   * @param fileOffset file offset in the executable (instruction boundary)
   */
  public record Site(String program, String function, long fileOffset) {
    public Site {
      Objects.requireNonNull(program, "program");
      Objects.requireNonNull(function, "function");
    }
  }
}
