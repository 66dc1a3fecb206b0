package dev.goroscope.record;

/**
 * Names and attribute keys of the goroutine events goroscope emits today. A new kind of event
 * adds its constants here (or next to the code that emits it) and needs nothing else in this
 * package.
 */
public final class GoroutineEvents {

  private GoroutineEvents() {}

  // Contexts (default probes).
  public static final String CONTEXT_DEADLINE_SET = "context.deadline_set";
  public static final String CONTEXT_CANCELED = "context.canceled";
  public static final String CONTEXT_DEADLINE_EXCEEDED = "context.deadline_exceeded";
  /** The context's address, {@code 0x…}; an identity only while it lives. */
  public static final Attr<Long> CONTEXT_ADDRESS = Attr.address("context.address", "ctx");
  /**
   * The context's deadline, Unix epoch ns, as Go computed it (spans add it as ISO-8601 text,
   * {@code context.deadline}, formatted only there).
   */
  public static final Attr<Long> CONTEXT_DEADLINE_UNIX_NS =
      Attr.integer("context.deadline_unix_ns", "deadlineUnixNs");

  // Parks and wake-ups (deep mode).
  public static final String PARK = "goroutine.park";
  public static final String READY = "goroutine.ready";
  public static final Attr<String> WAIT_REASON = Attr.string("goroutine.wait_reason", "waitReason");
  public static final Attr<Long> WAIT_REASON_CODE =
      Attr.integer("goroutine.wait_reason_code", "waitReasonCode");
  /** The goroutine that made it runnable; 0 = the runtime (timer, netpoller); absent: unseen. */
  public static final Attr<Long> WAKER_ID = Attr.integer("goroutine.waker.id", "wakerGoid");
}
