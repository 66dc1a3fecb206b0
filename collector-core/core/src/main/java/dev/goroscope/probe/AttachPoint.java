package dev.goroscope.probe;

/** Where in a function a probe attaches. */
public enum AttachPoint {
  /** {@link ProbeSite#entryOffset()}: after the stack-check prologue. */
  ENTRY,
  /** Every {@link ProbeSite#returnOffsets()} (never a uretprobe on Go code). */
  RETURNS,
  /** No probe; the function's address is data for the BPF side ({@link ProbeSite#address()}). */
  ADDRESS
}
