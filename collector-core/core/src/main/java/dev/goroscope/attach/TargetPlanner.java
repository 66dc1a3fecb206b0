package dev.goroscope.attach;

import dev.goroscope.process.TargetProcess;

/**
 * Works out the {@link ProcessPlan} for a process: inspects its executable and chooses the
 * probes for its Go version. Throws {@link dev.goroscope.GoroscopeException} with the reason
 * when the process cannot be watched (not Go, unsupported version, missing offsets).
 */
@FunctionalInterface
public interface TargetPlanner {
  ProcessPlan plan(TargetProcess target, boolean deep);
}
