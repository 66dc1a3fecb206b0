package dev.goroscope.probe;

/** Where in a function a probe attaches. */
public enum AttachPoint {
  /** {@link ProbeSite#entryOffset()}: after the stack-check prologue. */
  ENTRY,
  /** Every {@link ProbeSite#returnOffsets()} (never a uretprobe on Go code). */
  RETURNS
}
