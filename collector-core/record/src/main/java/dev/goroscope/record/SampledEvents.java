package dev.goroscope.record;

/**
 * Names and attribute keys of what sampled mode ({@code goroscope attach --mode sampled}) adds
 * to goroutines: the {@code goroutine.wait} event (an interval a goroutine was seen blocked,
 * with the channel or lock), and goroutine attributes that say its times are sampled, how
 * often, whether a precise burst saw its start or end, its runtime status, the channel or lock
 * it waits on now and the leak group it belongs to.
 */
public final class SampledEvents {

  private SampledEvents() {}

  /**
   * A wait seen by samples: dated at the first sample that saw it (or, when earlier, the
   * runtime's own {@code g.waitsince}, but never before the goroutine's start), lasting until
   * the last sample that saw it. The goroutine did not run in between when {@link
   * #WAIT_SAMPLES} is more than one: the sampler found it parked where it was.
   */
  public static final String WAIT = "goroutine.wait";

  /** Why it waited, in the runtime's words; {@code syscall} for a goroutine in a system call. */
  public static final Attr<String> WAIT_REASON = GoroutineEvents.WAIT_REASON;
  /** From the first to the last sample that saw the wait, ns (a lower bound). */
  public static final Attr<Long> WAIT_DURATION_NS =
      Attr.integer("goroutine.wait.duration_ns", "durationNs");
  /** Samples that saw this wait. */
  public static final Attr<Long> WAIT_SAMPLES = Attr.integer("goroutine.wait.samples", "samples");
  /** Still waiting when the record was written. */
  public static final Attr<Boolean> WAIT_OPEN = Attr.bool("goroutine.wait.open", "open");
  /** The channel it is blocked on (the first case's for a select), {@code 0x…}. */
  public static final Attr<Long> CHANNEL = Attr.address("channel.address", "channel");
  /** The channel's element type as Go names it. */
  public static final Attr<String> CHANNEL_ELEM_TYPE =
      Attr.string("channel.elem_type", "channelElemType");
  /** {@code cap(ch)}; 0 for an unbuffered channel. */
  public static final Attr<Long> CHANNEL_CAPACITY =
      Attr.integer("channel.capacity", "channelCapacity");
  /** {@code len(ch)} at the last sample of the wait. */
  public static final Attr<Long> CHANNEL_LENGTH = Attr.integer("channel.length", "channelLength");
  /** The channel was closed. */
  public static final Attr<Boolean> CHANNEL_CLOSED =
      Attr.bool("channel.closed", "channelClosed");
  /** Goroutines of the sample queued to send on the channel. */
  public static final Attr<Long> CHANNEL_WAITING_SENDERS =
      Attr.integer("channel.waiting_senders", "channelWaitingSenders");
  /** Goroutines of the sample queued to receive from the channel. */
  public static final Attr<Long> CHANNEL_WAITING_RECEIVERS =
      Attr.integer("channel.waiting_receivers", "channelWaitingReceivers");
  /** {@code send}, {@code receive} or {@code unknown}: which queue of the channel holds it. */
  public static final Attr<String> CHANNEL_DIRECTION =
      Attr.string("channel.direction", "channelDirection");
  /** Channels it waits on at once (the cases of a select). */
  public static final Attr<Long> CHANNEL_COUNT = Attr.integer("channel.count", "channels");
  /**
   * The semaphore of {@code semacquire} ({@code sync.Mutex}, {@code RWMutex}, {@code WaitGroup};
   * from Go 1.26 also a {@code sync.Cond}'s {@code notifyList}), {@code 0x…}: waiters of one
   * lock show one address.
   */
  public static final Attr<Long> SEMAPHORE = Attr.address("sync.semaphore.address", "semaphore");

  // Goroutine attributes (Goroutine.attributes()).
  /** Watched by sampling: its times are sampled unless marked precise. */
  public static final Attr<Boolean> SAMPLED = Attr.bool("goroutine.sampled", "sampled");
  /** The sampling interval, ms. */
  public static final Attr<Long> SAMPLE_INTERVAL_MS =
      Attr.integer("goroutine.sample_interval_ms", "sampleIntervalMs");
  /** Samples that saw it. */
  public static final Attr<Long> SAMPLE_COUNT = Attr.integer("goroutine.sample_count", "samples");
  /** Its start is its creation, seen by a precise burst's probe (not the first sample). */
  public static final Attr<Boolean> START_PRECISE =
      Attr.bool("goroutine.start_precise", "startPrecise");
  /** Its end is its exit, seen by a precise burst's probe (not the last sample). */
  public static final Attr<Boolean> END_PRECISE = Attr.bool("goroutine.end_precise", "endPrecise");
  /**
   * The runtime's scheduling state at the last sample: {@code running}, {@code runnable},
   * {@code waiting}, {@code syscall}, {@code preempted}…
   */
  public static final Attr<String> STATUS = Attr.string("goroutine.status", "status");
  /** Wired to its OS thread ({@code runtime.LockOSThread}) at the last sample. */
  public static final Attr<Boolean> LOCKED_TO_THREAD =
      Attr.bool("goroutine.locked_to_thread", "lockedToThread");
  /** Total time seen blocked (the sum of its {@code goroutine.wait} durations), ns. */
  public static final Attr<Long> BLOCKED_NS = Attr.integer("goroutine.blocked_ns", "blockedNs");
  /** The leak group it belongs to while it is a leak candidate ({@code lg-…}). */
  public static final Attr<String> LEAK_GROUP = Attr.string("goroutine.leak.group", "leakGroup");
  /**
   * Why it is a leak candidate: {@code growing} (its group keeps growing), {@code blocked}
   * (blocked past the leak threshold) or {@code growing,blocked}.
   */
  public static final Attr<String> LEAK_REASON =
      Attr.string("goroutine.leak.reason", "leakReason");

  /** The {@link #CHANNEL_DIRECTION} values. */
  public static final String SEND = "send";
  public static final String RECEIVE = "receive";
  public static final String UNKNOWN = "unknown";
}
