package dev.goroscope.correlate;

import dev.goroscope.gobinary.stack.StackFrame;
import dev.goroscope.record.Attrs;
import dev.goroscope.record.CodeLocation;
import dev.goroscope.record.GoroutineEvent;
import dev.goroscope.record.SampledEvents;
import dev.goroscope.sample.ChannelState;
import dev.goroscope.sample.ChannelWait;
import dev.goroscope.sample.GoroutineSample;
import dev.goroscope.sample.GoroutineStatus;
import java.util.ArrayDeque;
import java.util.List;

/**
 * What samples showed of one goroutine (on its {@link LiveGoroutine}, so the correlator keeps
 * one goroutine table): when it was first and last seen, its last sample, the wait it is in
 * (from the first to the last sample that saw it, with the channel or lock), the waits that
 * ended (as {@code goroutine.wait} events, the most recent kept), and its leak group.
 */
final class SampledGoroutine {

  static final byte GROWING = 1;
  static final byte BLOCKED = 2;

  long firstSeenNs;
  long lastSeenNs;
  int samples;
  /** Samples in a row that did not list it while some goroutines were left out. */
  int misses;
  /** Its last sample, or null before the first. */
  GoroutineSample last;
  /** The open wait: its event time, or -1 while not waiting. */
  long waitStartNs = -1;
  /** The open wait: when it began as far as anyone can tell (for the leak threshold). */
  long blockedSinceNs;
  long waitLastNs;
  int waitSamples;
  String waitReason = "";
  /** The open wait: its latest sample (channel and lock as last read). */
  GoroutineSample waitSample;
  /** Ended waits, oldest first, as events. */
  ArrayDeque<GoroutineEvent> waits;
  long endedWaitsNs;
  /** Leak flags ({@link #GROWING}, {@link #BLOCKED}) as of the last sample; group: member. */
  byte leak;
  /** Group key of {@link #last}, reused while the sample instance is the same. */
  LeakGroups.Key key;
  /**
   * The group it joined at its last blocked sample: its leak group while {@link #leak} is set,
   * otherwise only a hint for the next sample (groups come and go).
   */
  LeakGroups.Group member;
  /** Its creation site as a location, made from {@link #siteFrame}. */
  StackFrame siteFrame;
  CodeLocation site;
  /** Its last sample and leak flags when its last partial record was written (null: none). */
  GoroutineSample recordedSample;
  byte recordedLeak;
  /** Slots its wait reason, site and blocked reason last had in the sample's counts (hints). */
  int reasonSlot = -1;
  int siteSlot = -1;
  int blockedSlot = -1;

  boolean isWaiting() {
    return waitStartNs >= 0;
  }

  /** Whether {@code s} shows a wait: parked, or in a system call. */
  static boolean waits(GoroutineSample s) {
    GoroutineStatus st = s.status();
    return st == GoroutineStatus.WAITING || st == GoroutineStatus.LEAKED
        || st == GoroutineStatus.SYSCALL;
  }

  /** The reason a goroutine of status {@code s} waits: the runtime's, or {@code syscall}. */
  static String reason(GoroutineSample s) {
    return s.status() == GoroutineStatus.SYSCALL ? "syscall" : s.waitReason();
  }

  /**
   * Whether {@code s} continues the open wait. Exactly when the sampler knows who ran: it
   * found the goroutine parked where it was; otherwise, the same reason and the same stack
   * (and the runtime's own {@code waitsince}, when both have one, equal).
   */
  boolean continues(GoroutineSample s, boolean unmoved, boolean unmovedKnown) {
    if (!isWaiting() || !waits(s) || !reason(s).equals(waitReason)) {
      return false;
    }
    if (unmoved || s == last) {
      return true;
    }
    if (unmovedKnown || last == null) {
      return false;
    }
    long before = last.waitSinceNs();
    long now = s.waitSinceNs();
    return s.stack() == last.stack() && (before == 0 || now == 0 || before == now);
  }

  /** Opens a wait seen first at {@code ts}, dated no earlier than {@code notBeforeNs}. */
  void open(GoroutineSample s, long ts, long notBeforeNs) {
    long since = ts;
    if (samples == 0 && s.waitSinceNs() > 0 && s.waitSinceNs() < ts) {
      since = s.waitSinceNs(); // first sight: the runtime knows it blocked earlier
    }
    blockedSinceNs = since;
    waitStartNs = Math.max(since, notBeforeNs);
    waitLastNs = ts;
    waitSamples = 1;
    waitReason = reason(s);
    waitSample = s;
  }

  /** The open wait goes on at {@code ts}. */
  void extend(GoroutineSample s, long ts) {
    waitLastNs = ts;
    waitSamples++;
    waitSample = s;
  }

  /** Ends the open wait at its last sample, keeping at most {@code max} ended waits. */
  boolean close(int max) {
    if (!isWaiting()) {
      return true;
    }
    if (waits == null) {
      waits = new ArrayDeque<>(2);
    }
    boolean kept = true;
    if (waits.size() >= max) {
      waits.removeFirst();
      kept = false;
    }
    waits.addLast(event(false));
    endedWaitsNs += waitLastNs - waitStartNs;
    waitStartNs = -1;
    waitSample = null;
    waitReason = "";
    return kept;
  }

  /** Total time seen blocked: ended waits plus the open one so far. */
  long blockedNs() {
    return endedWaitsNs + (isWaiting() ? waitLastNs - waitStartNs : 0);
  }

  /** The open wait as an event ({@code open}: still waiting). */
  GoroutineEvent event(boolean open) {
    Attrs.Builder a = Attrs.builder()
        .put(SampledEvents.WAIT_REASON, waitReason)
        .put(SampledEvents.WAIT_DURATION_NS, waitLastNs - waitStartNs)
        .put(SampledEvents.WAIT_SAMPLES, (long) waitSamples);
    if (open) {
      a.put(SampledEvents.WAIT_OPEN, true);
    }
    putWaitsOn(a, waitSample);
    return new GoroutineEvent(SampledEvents.WAIT, waitStartNs, a.build());
  }

  /** The channel (its state, the count of a select's channels) or semaphore {@code s} waits on. */
  static void putWaitsOn(Attrs.Builder a, GoroutineSample s) {
    if (s == null) {
      return;
    }
    List<ChannelWait> channels = s.channels();
    if (!channels.isEmpty()) {
      ChannelWait w = channels.get(0);
      ChannelState c = w.channel();
      a.put(SampledEvents.CHANNEL, c.address());
      if (!c.elemType().isEmpty()) {
        a.put(SampledEvents.CHANNEL_ELEM_TYPE, c.elemType());
      }
      a.put(SampledEvents.CHANNEL_CAPACITY, c.capacity())
          .put(SampledEvents.CHANNEL_LENGTH, c.length())
          .put(SampledEvents.CHANNEL_WAITING_SENDERS, (long) c.waitingSenders())
          .put(SampledEvents.CHANNEL_WAITING_RECEIVERS, (long) c.waitingReceivers())
          .put(SampledEvents.CHANNEL_DIRECTION, switch (w.direction()) {
            case SEND -> SampledEvents.SEND;
            case RECEIVE -> SampledEvents.RECEIVE;
            case UNKNOWN -> SampledEvents.UNKNOWN;
          });
      if (c.closed()) {
        a.put(SampledEvents.CHANNEL_CLOSED, true);
      }
      if (channels.size() > 1) {
        a.put(SampledEvents.CHANNEL_COUNT, (long) channels.size());
      }
    }
    if (s.semaphore() != 0) {
      a.put(SampledEvents.SEMAPHORE, s.semaphore());
    }
  }
}
