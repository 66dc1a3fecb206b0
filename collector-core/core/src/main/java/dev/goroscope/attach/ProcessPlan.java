package dev.goroscope.attach;

import dev.goroscope.correlate.Symbolizer;
import dev.goroscope.probe.ProbeGroup;
import dev.goroscope.probe.ProbePlan;
import dev.goroscope.record.ProcessInfo;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything needed to watch one process, worked out from its executable before anything is
 * loaded into the kernel.
 *
 * @param process the resource description of the target
 * @param constants every BPF {@code volatile const} the plan sets (offsets, addresses); the
 *     target pid and pid namespace are added when loading
 * @param sites where to attach which program; every offset is an instruction boundary
 * @param symbolizer names for the PCs and wait reasons of this process (load bias applied)
 * @param allgsAddress run-time address of {@code runtime.allgs}, or 0 when unknown: then
 *     goroutines that existed before attach are not listed
 * @param offsets struct offsets keyed like {@code runtime.g.goid}, for the attach-time snapshot
 * @param notes what the user should know about this plan (fallbacks, missing features)
 * @param groups the probe groups that attach
 * @param allpAddress run-time address of {@code runtime.allp} (GOMAXPROCS is its length), or 0
 */
public record ProcessPlan(
    ProcessInfo process,
    Map<String, Long> constants,
    List<ProbePlan.Site> sites,
    Symbolizer symbolizer,
    long allgsAddress,
    Map<String, Long> offsets,
    List<String> notes,
    Set<ProbeGroup> groups,
    long allpAddress) {

  /** A plan that attaches the default groups and does not know {@code runtime.allp}. */
  public ProcessPlan(ProcessInfo process, Map<String, Long> constants,
      List<ProbePlan.Site> sites, Symbolizer symbolizer, long allgsAddress,
      Map<String, Long> offsets, List<String> notes) {
    this(process, constants, sites, symbolizer, allgsAddress, offsets, notes,
        Set.of(ProbeGroup.LIFECYCLE, ProbeGroup.CONTEXTS), 0);
  }

  public ProcessPlan {
    Objects.requireNonNull(process, "process");
    constants = Map.copyOf(constants);
    sites = List.copyOf(sites);
    Objects.requireNonNull(symbolizer, "symbolizer");
    offsets = Map.copyOf(offsets);
    notes = List.copyOf(notes);
    groups = Set.copyOf(groups);
  }
}
