package dev.goroscope.attach;

import dev.goroscope.correlate.Symbolizer;
import dev.goroscope.event.CallSites;
import dev.goroscope.gobinary.GoBinary;
import dev.goroscope.gobinary.GoFunction;
import dev.goroscope.gobinary.waitreason.WaitReasons;
import dev.goroscope.record.CodeLocation;

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
