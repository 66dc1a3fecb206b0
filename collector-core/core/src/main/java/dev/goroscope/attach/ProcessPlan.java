package dev.goroscope.attach;

import dev.goroscope.bpf.link.PinnedExecutable;
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
 * @param executable the executable the plan was computed from, held open: the uprobes attach
 *     to it ({@link PinnedExecutable#path()}), never to whatever {@code /proc/PID/exe} names by
 *     then; closed by {@link #close()}
 * @param loadBias where the process had the executable mapped (PIE; 0 otherwise), applied to
 *     the addresses of the plan
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
    long allpAddress,
    PinnedExecutable executable,
    long loadBias) implements AutoCloseable {

  public ProcessPlan {
    Objects.requireNonNull(process, "process");
    constants = Map.copyOf(constants);
    sites = List.copyOf(sites);
    Objects.requireNonNull(symbolizer, "symbolizer");
    offsets = Map.copyOf(offsets);
    notes = List.copyOf(notes);
    groups = Set.copyOf(groups);
    Objects.requireNonNull(executable, "executable");
  }

  /** Lets go of the executable; uprobes already attached through it stay. Idempotent. */
  @Override
  public void close() {
    executable.close();
  }
}
