package dev.goroscope.attach;

import dev.goroscope.probe.ProbeSelection;
import dev.goroscope.process.TargetProcess;

/**
 * Works out the {@link ProcessPlan} for a process: inspects its executable and chooses the
 * probes for its Go version. Throws {@link dev.goroscope.GoroscopeException} with the reason
 * when the process cannot be watched (not Go, unsupported version, missing offsets).
 */
@FunctionalInterface
public interface TargetPlanner {

  /** The plan for the probe groups {@code probes} asks for. */
  ProcessPlan plan(TargetProcess target, ProbeSelection probes);

  /** The plan for the default groups, and the deep ones if {@code deep}. */
  default ProcessPlan plan(TargetProcess target, boolean deep) {
    return plan(target, ProbeSelection.defaults().withDeep(deep));
  }

  /**
   * Checked once the probes are attached: whether {@code target} still runs what {@code plan}
   * was made for — the same process (pid and start time) and the same executable file. An
   * exec in between fails it (the probes, on the planned file, never fire in the new program).
   */
  default boolean stillMatches(TargetProcess target, ProcessPlan plan) {
    return target.isAlive() && plan.executable().isSameFile(target.exeLink());
  }
}
