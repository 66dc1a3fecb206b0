package dev.goroscope.correlate;

import dev.goroscope.record.CodeLocation;

/** Names every PC after its value and counts the calls, to check the correlator's cache. */
final class FakeSymbolizer implements Symbolizer {
  int creationSiteCalls;
  int startFunctionCalls;
  int waitReasonCalls;

  @Override
  public CodeLocation creationSite(long gopc) {
    creationSiteCalls++;
    return new CodeLocation("main.caller" + Long.toHexString(gopc), "/src/main.go",
        (int) (gopc & 0xffff));
  }

  @Override
  public String startFunction(long startPc) {
    startFunctionCalls++;
    return "main.fn" + Long.toHexString(startPc);
  }

  @Override
  public String waitReason(int code) {
    waitReasonCalls++;
    switch (code) {
      case 19:
        return "chan receive";
      case 20:
        return "chan send";
      case 18:
        return "select";
      default:
        return "";
    }
  }
}
