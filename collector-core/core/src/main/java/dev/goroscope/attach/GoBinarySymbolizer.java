package dev.goroscope.attach;

import dev.goroscope.correlate.Symbolizer;
import dev.goroscope.event.CallSites;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoFunction;
import dev.goroscope.gobinary.pclntab.PcLnTable;
import dev.goroscope.gobinary.pclntab.SourceFrame;
import dev.goroscope.gobinary.waitreason.WaitReasons;
import dev.goroscope.record.CodeLocation;
import java.util.ArrayList;
import java.util.List;

/**
 * Names for one process's run-time PCs, read from its executable's pclntab. The load bias
 * (non-zero for PIE builds) turns run-time addresses back into link-time ones.
 */
final class GoBinarySymbolizer implements Symbolizer {

  private final GoBinary binary;
  private final WaitReasons waitReasons;
  private final long bias;

  GoBinarySymbolizer(GoBinary binary, WaitReasons waitReasons, long bias) {
    this.binary = binary;
    this.waitReasons = waitReasons;
    this.bias = bias;
  }

  @Override
  public CodeLocation creationSite(long gopc) {
    return gopc == 0 ? CodeLocation.UNKNOWN : binary.resolveReturnAddress(gopc - bias);
  }

  /**
   * The calls inlined at a return address, innermost first, then the function that holds it,
   * each with its own file and line: a call site picked from them ({@code event.CallSites}) is
   * the caller's line, not the inlined callee's (sync.Mutex.Lock is inlined into its callers).
   */
  @Override
  public List<CodeLocation> frames(long returnAddress) {
    if (returnAddress == 0) {
      return List.of();
    }
    PcLnTable table = binary.pcLnTable();
    long pc = returnAddress - bias - 1; // inside the call, as the runtime's symPC
    int fn = table.funcIndex(pc);
    if (fn < 0) {
      return List.of(creationSite(returnAddress));
    }
    List<CodeLocation> out = new ArrayList<>(2);
    for (SourceFrame f : table.sourceFrames(fn, pc)) {
      out.add(new CodeLocation(f.function(), f.file(), Math.max(f.line(), 0)));
    }
    return out;
  }

  @Override
  public String startFunction(long startPc) {
    return binary.startFunction(startPc - bias).map(GoFunction::name).orElse("");
  }

  @Override
  public String waitReason(int code) {
    return waitReasons.describe(code);
  }

  /** The main module's packages, dependencies ({@code github.com/…}) and package main. */
  @Override
  public boolean userCode(String function) {
    String module = binary.buildInfo().modulePath();
    String pkg = CallSites.packageOf(function);
    return CallSites.looksLikeUserCode(function)
        || (!module.isEmpty() && (pkg.equals(module) || pkg.startsWith(module + "/")));
  }
}
