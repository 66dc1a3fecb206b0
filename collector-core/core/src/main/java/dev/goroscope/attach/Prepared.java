package dev.goroscope.attach;

import dev.goroscope.GoroscopeException;
import dev.goroscope.bpf.BpfException;
import dev.goroscope.process.TargetProcess;

/**
 * A process made ready to watch off the draining thread — planned and its BPF object loaded,
 * no probe attached yet — or why it could not be.
 *
 * @param target the process
 * @param plan its plan (holds the executable open), or null on failure
 * @param probes its loaded probes, or null on failure
 * @param failure what went wrong, or null
 */
record Prepared(TargetProcess target, ProcessPlan plan, ProcessProbes probes,
    RuntimeException failure) {

  /** Plans {@code target} and loads its BPF object; a failure is returned, not thrown. */
  static Prepared of(TargetProcess target, TargetPlanner planner, AttachConfig config) {
    ProcessPlan plan = null;
    try {
      plan = planner.plan(target, config.probes());
      return new Prepared(target, plan, ProcessProbes.load(target, plan, config.ringBytes()),
          null);
    } catch (RuntimeException e) {
      if (plan != null) {
        plan.close();
      }
      return new Prepared(target, null, null, e);
    }
  }

  /** The failure as one line for the user. */
  String failureMessage() {
    return message(failure);
  }

  static String message(RuntimeException e) {
    return e instanceof GoroscopeException || e instanceof BpfException
        ? e.getMessage() : "internal error: " + e;
  }

  /** Releases what was prepared and not used. */
  void discard() {
    if (probes != null) {
      probes.close();
    }
    if (plan != null) {
      plan.close();
    }
  }
}
