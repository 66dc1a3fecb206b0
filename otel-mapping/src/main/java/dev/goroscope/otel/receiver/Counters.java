package dev.goroscope.otel.receiver;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The receiver's counters and its byte budget. Every request that is accepted reserves its bytes
 * here and gives them back exactly once, when it is forwarded, rejected or dropped; so the held
 * bytes never exceed the limit (plus attributes added by enrichment) and the per-signal item
 * counts always add up (see {@link SignalStats}).
 */
final class Counters {

  private static final class PerSignal {
    final AtomicLong receivedRequests = new AtomicLong();
    final AtomicLong receivedItems = new AtomicLong();
    final AtomicLong refusedItems = new AtomicLong();
    final AtomicLong forwardedRequests = new AtomicLong();
    final AtomicLong forwardedItems = new AtomicLong();
    final AtomicLong rejectedByBackend = new AtomicLong();
    final AtomicLong droppedBackendDown = new AtomicLong();
    final AtomicLong droppedTimeout = new AtomicLong();
    final AtomicLong droppedAtShutdown = new AtomicLong();
    final AtomicLong queuedItems = new AtomicLong();

    SignalStats snapshot() {
      return new SignalStats(receivedRequests.get(), receivedItems.get(), refusedItems.get(),
          forwardedRequests.get(), forwardedItems.get(), rejectedByBackend.get(),
          droppedBackendDown.get(), droppedTimeout.get(), droppedAtShutdown.get(),
          queuedItems.get());
    }
  }

  /** Why an accepted request was lost. */
  enum Drop {
    BACKEND_DOWN,
    TIMEOUT,
    SHUTDOWN
  }

  private final PerSignal[] signals = new PerSignal[Signal.values().length];
  private final long limitBytes;
  private final AtomicLong heldBytes = new AtomicLong();
  private final AtomicLong maxHeldBytes = new AtomicLong();
  private final AtomicLong rejectedAuth = new AtomicLong();
  private final AtomicLong rejectedInvalid = new AtomicLong();
  private final AtomicLong spansMatched = new AtomicLong();
  private final AtomicLong spansUnmatched = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private volatile String lastError = "";

  Counters(long limitBytes) {
    this.limitBytes = limitBytes;
    for (int i = 0; i < signals.length; i++) {
      signals[i] = new PerSignal();
    }
  }

  private PerSignal of(Signal s) {
    return signals[s.ordinal()];
  }

  void received(Signal s, long items) {
    of(s).receivedRequests.incrementAndGet();
    of(s).receivedItems.addAndGet(items);
  }

  void refused(Signal s, long items) {
    of(s).refusedItems.addAndGet(items);
  }

  /**
   * Reserves the bytes of a request about to be accepted.
   *
   * @return false (nothing reserved) when they do not fit
   */
  boolean tryHold(HeldRequest r) {
    long size = r.heldBytes;
    while (true) {
      long held = heldBytes.get();
      if (held + size > limitBytes) {
        return false;
      }
      if (heldBytes.compareAndSet(held, held + size)) {
        maxHeldBytes.accumulateAndGet(held + size, Math::max);
        of(r.signal).queuedItems.addAndGet(r.items);
        return true;
      }
    }
  }

  /** The request's body was re-encoded (enrichment): hold the difference too. */
  void resized(HeldRequest r, long newBytes) {
    long delta = newBytes - r.heldBytes;
    r.heldBytes = newBytes;
    long now = heldBytes.addAndGet(delta);
    maxHeldBytes.accumulateAndGet(now, Math::max);
  }

  void forwarded(HeldRequest r, long rejectedItems) {
    long rejected = Math.min(Math.max(rejectedItems, 0), r.items);
    PerSignal p = of(r.signal);
    p.forwardedRequests.incrementAndGet();
    p.forwardedItems.addAndGet(r.items - rejected);
    p.rejectedByBackend.addAndGet(rejected);
    release(r);
  }

  void rejectedByBackend(HeldRequest r) {
    of(r.signal).rejectedByBackend.addAndGet(r.items);
    release(r);
  }

  void dropped(HeldRequest r, Drop why) {
    PerSignal p = of(r.signal);
    switch (why) {
      case BACKEND_DOWN:
        p.droppedBackendDown.addAndGet(r.items);
        break;
      case TIMEOUT:
        p.droppedTimeout.addAndGet(r.items);
        break;
      default:
        p.droppedAtShutdown.addAndGet(r.items);
    }
    release(r);
  }

  private void release(HeldRequest r) {
    heldBytes.addAndGet(-r.heldBytes);
    of(r.signal).queuedItems.addAndGet(-r.items);
  }

  void rejectedAuth() {
    rejectedAuth.incrementAndGet();
  }

  void rejectedInvalid() {
    rejectedInvalid.incrementAndGet();
  }

  void enriched(long matched, long unmatched) {
    spansMatched.addAndGet(matched);
    spansUnmatched.addAndGet(unmatched);
  }

  void failedAttempt(String error) {
    failedAttempts.incrementAndGet();
    lastError = error;
  }

  long heldBytes() {
    return heldBytes.get();
  }

  ReceiverStats snapshot() {
    return new ReceiverStats(of(Signal.TRACES).snapshot(), of(Signal.METRICS).snapshot(),
        of(Signal.LOGS).snapshot(), rejectedAuth.get(), rejectedInvalid.get(),
        spansMatched.get(), spansUnmatched.get(), heldBytes.get(), maxHeldBytes.get(),
        limitBytes, failedAttempts.get(), lastError);
  }
}
