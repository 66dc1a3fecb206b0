package dev.goroscope.correlate;

import java.util.Locale;

/**
 * A snapshot of a {@link Correlator}'s counters (since it was created) and of its live sizes.
 * Immutable; every value has a named accessor.
 */
public final class CorrelatorStats {

  private final long eventsIn;
  private final long outOfOrderFixed;
  private final long lateEvents;
  private final long reorderOverflows;
  private final long duplicatesDropped;
  private final long staleEvents;
  private final long eventsLost;
  private final long lostMarkers;
  private final long goroutinesStarted;
  private final long goroutinesFound;
  private final long goroutinesAdopted;
  private final long goroutinesEvicted;
  private final long contextsCreated;
  private final long contextsEvicted;
  private final long unknownContextCancels;
  private final long eventsAfterProcessEnd;
  private final long eventsAfterClose;
  private final long parksTruncated;
  private final long contextEventsTruncated;
  private final long marksTruncated;
  private final long scopeGoroutinesDropped;
  private final long finishedRecords;
  private final long partialRecords;
  private final long partialRecordsSkipped;
  private final long contextRecords;
  private final long deadlineOverruns;
  private final long symbolizerCalls;
  private final long symbolizerFailures;
  private final long sinkFailures;
  private final long stwPauses;
  private final long samples;
  private final long goroutinesVanished;
  private final long appSpansStarted;
  private final long appSpansEnded;
  private final long appSpanEndsUnknown;
  private final long appSpansEvicted;
  private final long appSpanEventsTruncated;
  private final long goroutinesUnderAppSpans;
  private final int liveGoroutines;
  private final int liveContexts;
  private final int bufferedEvents;

  CorrelatorStats(Counters c, long symbolizerCalls, long symbolizerFailures, int liveGoroutines,
      int liveContexts, int bufferedEvents) {
    this.eventsIn = c.eventsIn;
    this.outOfOrderFixed = c.outOfOrderFixed;
    this.lateEvents = c.lateEvents;
    this.reorderOverflows = c.reorderOverflows;
    this.duplicatesDropped = c.duplicatesDropped;
    this.staleEvents = c.staleEvents;
    this.eventsLost = c.eventsLost;
    this.lostMarkers = c.lostMarkers;
    this.goroutinesStarted = c.goroutinesStarted;
    this.goroutinesFound = c.goroutinesFound;
    this.goroutinesAdopted = c.goroutinesAdopted;
    this.goroutinesEvicted = c.goroutinesEvicted;
    this.contextsCreated = c.contextsCreated;
    this.contextsEvicted = c.contextsEvicted;
    this.unknownContextCancels = c.unknownContextCancels;
    this.eventsAfterProcessEnd = c.eventsAfterProcessEnd;
    this.eventsAfterClose = c.eventsAfterClose;
    this.parksTruncated = c.parksTruncated;
    this.contextEventsTruncated = c.contextEventsTruncated;
    this.marksTruncated = c.marksTruncated;
    this.scopeGoroutinesDropped = c.scopeGoroutinesDropped;
    this.finishedRecords = c.finishedRecords;
    this.partialRecords = c.partialRecords;
    this.partialRecordsSkipped = c.partialRecordsSkipped;
    this.contextRecords = c.contextRecords;
    this.deadlineOverruns = c.deadlineOverruns;
    this.symbolizerCalls = symbolizerCalls;
    this.symbolizerFailures = symbolizerFailures;
    this.sinkFailures = c.sinkFailures;
    this.stwPauses = c.stwPauses;
    this.samples = c.samples;
    this.goroutinesVanished = c.goroutinesVanished;
    this.appSpansStarted = c.appSpansStarted;
    this.appSpansEnded = c.appSpansEnded;
    this.appSpanEndsUnknown = c.appSpanEndsUnknown;
    this.appSpansEvicted = c.appSpansEvicted;
    this.appSpanEventsTruncated = c.appSpanEventsTruncated;
    this.goroutinesUnderAppSpans = c.goroutinesUnderAppSpans;
    this.liveGoroutines = liveGoroutines;
    this.liveContexts = liveContexts;
    this.bufferedEvents = bufferedEvents;
  }

  /** Events passed to {@link Correlator#accept}. */
  public long eventsIn() {
    return eventsIn;
  }

  /** Events that arrived after a later one and were put back in order by the window. */
  public long outOfOrderFixed() {
    return outOfOrderFixed;
  }

  /** Events older than the reorder window allowed; processed out of order. */
  public long lateEvents() {
    return lateEvents;
  }

  /** Events processed before their window closed because the reorder buffer was full. */
  public long reorderOverflows() {
    return reorderOverflows;
  }

  /** Repeated creations (a probed prologue re-run by stack growth) and repeated exits. */
  public long duplicatesDropped() {
    return duplicatesDropped;
  }

  /** Events for goroutines that had already exited, dropped. */
  public long staleEvents() {
    return staleEvents;
  }

  /** Sum of the kernel's lost-event counts. */
  public long eventsLost() {
    return eventsLost;
  }

  /** Number of lost-event markers. */
  public long lostMarkers() {
    return lostMarkers;
  }

  /** Goroutines tracked so far: created while watched, found at attach, or adopted. */
  public long goroutinesStarted() {
    return goroutinesStarted;
  }

  /** Of those, goroutines found alive by a memory snapshot. */
  public long goroutinesFound() {
    return goroutinesFound;
  }

  /** Goroutines first seen by an event other than their creation. */
  public long goroutinesAdopted() {
    return goroutinesAdopted;
  }

  /** Goroutines dropped from tracking at the cap (ended as partial, incomplete). */
  public long goroutinesEvicted() {
    return goroutinesEvicted;
  }

  /** Contexts with a deadline seen being created. */
  public long contextsCreated() {
    return contextsCreated;
  }

  /** Live contexts dropped from tracking at the cap. */
  public long contextsEvicted() {
    return contextsEvicted;
  }

  /** Cancellations of contexts without an observed deadline; ignored. */
  public long unknownContextCancels() {
    return unknownContextCancels;
  }

  /** Events of a process older than its recorded end, dropped. */
  public long eventsAfterProcessEnd() {
    return eventsAfterProcessEnd;
  }

  /** Events passed after {@link Correlator#close()}, dropped. */
  public long eventsAfterClose() {
    return eventsAfterClose;
  }

  /** Deep-mode park intervals dropped by the per-goroutine cap. */
  public long parksTruncated() {
    return parksTruncated;
  }

  /** Context events dropped by the per-goroutine cap. */
  public long contextEventsTruncated() {
    return contextEventsTruncated;
  }

  /** Other goroutine events (channel operations…) dropped by the per-goroutine cap. */
  public long marksTruncated() {
    return marksTruncated;
  }

  /** Goroutines not remembered in a context's deadline scope (cap). */
  public long scopeGoroutinesDropped() {
    return scopeGoroutinesDropped;
  }

  /** Goroutines ended as finished (exited or their process ended). */
  public long finishedRecords() {
    return finishedRecords;
  }

  /** Goroutine records handed out while alive (updates, and ends at eviction or stop). */
  public long partialRecords() {
    return partialRecords;
  }

  /**
   * Periodic updates not handed out: goroutines of sampled processes that the samples since
   * their last partial record found where they were.
   */
  public long partialRecordsSkipped() {
    return partialRecordsSkipped;
  }

  /** Context records handed out (created, updated, ended). */
  public long contextRecords() {
    return contextRecords;
  }

  /** Goroutines found overrunning a context deadline. */
  public long deadlineOverruns() {
    return deadlineOverruns;
  }

  /** Symbolizer calls (distinct PCs and wait reasons per process). */
  public long symbolizerCalls() {
    return symbolizerCalls;
  }

  /** Symbolizer calls that threw. */
  public long symbolizerFailures() {
    return symbolizerFailures;
  }

  /** Sink calls that threw (the record is lost, the correlator carries on). */
  public long sinkFailures() {
    return sinkFailures;
  }

  /** Stop-the-world pauses seen. */
  public long stwPauses() {
    return stwPauses;
  }

  /** Goroutines tracked now. */
  public int liveGoroutines() {
    return liveGoroutines;
  }

  /** Live contexts tracked now. */
  public int liveContexts() {
    return liveContexts;
  }

  /** Sampled mode: samples taken in. */
  public long samples() {
    return samples;
  }

  /** Sampled mode: goroutines ended because a sample no longer listed them. */
  public long goroutinesVanished() {
    return goroutinesVanished;
  }

  /** Application spans whose start was seen (OpenTelemetry Go SDK probes). */
  public long appSpansStarted() {
    return appSpansStarted;
  }

  /** Application spans whose end was seen after their start. */
  public long appSpansEnded() {
    return appSpansEnded;
  }

  /** Ends of application spans whose start was not seen (before attach, forgotten, twice). */
  public long appSpanEndsUnknown() {
    return appSpanEndsUnknown;
  }

  /** Open application spans forgotten at the cap (their goroutines no longer join them). */
  public long appSpansEvicted() {
    return appSpansEvicted;
  }

  /** Application span start/end events dropped from a goroutine's bounded list. */
  public long appSpanEventsTruncated() {
    return appSpanEventsTruncated;
  }

  /** Goroutines created while their creator had an application span open. */
  public long goroutinesUnderAppSpans() {
    return goroutinesUnderAppSpans;
  }

  /** Events waiting in the reorder buffer now. */
  public int bufferedEvents() {
    return bufferedEvents;
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "correlator: eventsIn=%d outOfOrderFixed=%d lateEvents=%d"
            + " reorderOverflows=%d duplicatesDropped=%d staleEvents=%d eventsLost=%d"
            + " lostMarkers=%d goroutinesStarted=%d goroutinesFound=%d goroutinesAdopted=%d"
            + " goroutinesEvicted=%d contextsCreated=%d contextsEvicted=%d"
            + " unknownContextCancels=%d eventsAfterProcessEnd=%d eventsAfterClose=%d"
            + " parksTruncated=%d contextEventsTruncated=%d marksTruncated=%d"
            + " scopeGoroutinesDropped=%d finishedRecords=%d partialRecords=%d"
            + " partialRecordsSkipped=%d contextRecords=%d"
            + " deadlineOverruns=%d symbolizerCalls=%d symbolizerFailures=%d sinkFailures=%d"
            + " stwPauses=%d liveGoroutines=%d liveContexts=%d bufferedEvents=%d samples=%d"
            + " goroutinesVanished=%d appSpansStarted=%d"
            + " appSpansEnded=%d appSpanEndsUnknown=%d appSpansEvicted=%d"
            + " appSpanEventsTruncated=%d goroutinesUnderAppSpans=%d",
        eventsIn, outOfOrderFixed, lateEvents, reorderOverflows, duplicatesDropped, staleEvents,
        eventsLost, lostMarkers, goroutinesStarted, goroutinesFound, goroutinesAdopted,
        goroutinesEvicted, contextsCreated, contextsEvicted, unknownContextCancels,
        eventsAfterProcessEnd, eventsAfterClose, parksTruncated, contextEventsTruncated,
        marksTruncated, scopeGoroutinesDropped, finishedRecords, partialRecords,
        partialRecordsSkipped, contextRecords,
        deadlineOverruns, symbolizerCalls, symbolizerFailures, sinkFailures, stwPauses,
        liveGoroutines, liveContexts, bufferedEvents, samples, goroutinesVanished,
        appSpansStarted, appSpansEnded, appSpanEndsUnknown, appSpansEvicted,
        appSpanEventsTruncated, goroutinesUnderAppSpans);
  }
}
