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

  // Runtime events (--probe mutex, syscall, sched; stw by default).
  /** A contended lock acquired: dated when the wait began. */
  public static final String MUTEX_WAIT = "mutex.wait";
  /** A system call of at least the threshold: dated when it began. */
  public static final String SYSCALL = "syscall";
  /** The goroutine started running after being runnable: dated when it became runnable. */
  public static final String SCHED_DELAY = "sched.delay";
  /** The goroutine called runtime.LockOSThread. */
  public static final String LOCK_OS_THREAD = "goroutine.lock_os_thread";
  /** A stop-the-world pause stopped the goroutine while it ran: dated when it began. */
  public static final String STW = "runtime.stw";
  /** The lock's address ({@code *sync.Mutex} or {@code *sync.RWMutex}), {@code 0x…}. */
  public static final Attr<Long> MUTEX_ADDRESS = Attr.address("mutex.address", "lock");
  /** How long the goroutine waited for the lock, ns. */
  public static final Attr<Long> MUTEX_WAIT_NS = Attr.integer("mutex.wait_ns", "durationNs");
  /** {@code mutex}, {@code rwmutex.read} (a reader waited for a writer) or {@code rwmutex.write}. */
  public static final Attr<String> MUTEX_KIND = Attr.string("mutex.kind", "kind");
  /** The goroutine that released the lock last while this one waited. */
  public static final Attr<Long> MUTEX_RELEASER_ID =
      Attr.integer("mutex.releaser.id", "releaserGoid");
  /** Time in the system call, ns. */
  public static final Attr<Long> SYSCALL_DURATION_NS =
      Attr.integer("syscall.duration_ns", "durationNs");
  /** The function that made the call, e.g. {@code syscall.read}. */
  public static final Attr<String> SYSCALL_FUNCTION = Attr.string("syscall.function", "syscall");
  /** Time the goroutine was runnable before it ran, ns. */
  public static final Attr<Long> SCHED_DELAY_NS = Attr.integer("sched.delay_ns", "durationNs");
  /** What it was before it became runnable: waiting, running (preempted or yielded), new… */
  public static final Attr<String> SCHED_FROM_STATE = Attr.string("sched.from_state", "fromState");
  /** How long the world was stopped, ns. */
  public static final Attr<Long> STW_DURATION_NS =
      Attr.integer("runtime.stw.duration_ns", "durationNs");
  /** Why, as the runtime says it ({@code GC mark termination} …). */
  public static final Attr<String> STW_REASON = Attr.string("runtime.stw.reason", "reason");
  /** The goroutine that stopped the world. */
  public static final Attr<Long> STW_STOPPER_ID =
      Attr.integer("runtime.stw.stopper.id", "stopperGoid");
  /** A call site in the program (of a lock wait, a system call …): function. */
  public static final Attr<String> SITE_FUNCTION = Attr.string("code.function.name", "function");
  /** The call site: source file. */
  public static final Attr<String> SITE_FILE = Attr.string("code.file.path", "file");
  /** The call site: line. */
  public static final Attr<Long> SITE_LINE = Attr.integer("code.line.number", "line");

  // Runtime events: per-goroutine totals (Goroutine.attributes()) of the waits its events list.
  /** Total time waiting for contended locks ({@code mutex.wait} events), ns. */
  public static final Attr<Long> MUTEX_WAIT_TOTAL_NS =
      Attr.integer("goroutine.mutex_wait_ns", "mutexWaitNs");
  /** Total time in system calls of at least the threshold ({@code syscall} events), ns. */
  public static final Attr<Long> SYSCALL_TOTAL_NS = Attr.integer("goroutine.syscall_ns", "syscallNs");
  /** Total time runnable but not running ({@code sched.delay} events), ns. */
  public static final Attr<Long> SCHED_DELAY_TOTAL_NS =
      Attr.integer("goroutine.sched_delay_ns", "schedDelayNs");
  /** Total time stopped by stop-the-world pauses while running ({@code runtime.stw}), ns. */
  public static final Attr<Long> STW_TOTAL_NS = Attr.integer("goroutine.stw_ns", "stwNs");
  /** The goroutine locked itself to its OS thread (runtime.LockOSThread) at some point. */
  public static final Attr<Boolean> LOCKED_TO_THREAD =
      Attr.bool("goroutine.locked_to_thread", "lockedToThread");
}
