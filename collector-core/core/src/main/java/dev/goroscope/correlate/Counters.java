package dev.goroscope.correlate;

/**
 * The correlator's counters: one mutable object shared by its parts, the only place counts
 * are kept; {@link Correlator#stats()} copies it into an immutable {@link CorrelatorStats}.
 * Single-threaded like the rest of the correlator. Field meanings: see {@link CorrelatorStats}.
 */
final class Counters {
  long eventsIn;
  long outOfOrderFixed;
  long lateEvents;
  long reorderOverflows;
  long duplicatesDropped;
  long staleEvents;
  long eventsLost;
  long lostMarkers;
  long goroutinesStarted;
  long goroutinesFound;
  long goroutinesAdopted;
  long goroutinesEvicted;
  long contextsCreated;
  long contextsEvicted;
  long unknownContextCancels;
  long eventsAfterProcessEnd;
  long eventsAfterClose;
  long parksTruncated;
  long contextEventsTruncated;
  long marksTruncated;
  long scopeGoroutinesDropped;
  long finishedRecords;
  long partialRecords;
  long partialRecordsSkipped;
  long contextRecords;
  long deadlineOverruns;
  long sinkFailures;
  long stwPauses;
  long samples;
  long goroutinesVanished;
  long appSpansStarted;
  long appSpansEnded;
  long appSpanEndsUnknown;
  long appSpansEvicted;
  long appSpanEventsTruncated;
  long goroutinesUnderAppSpans;
  /** Symbolizer counters of processes no longer tracked. */
  long pastSymbolizerCalls;
  long pastSymbolizerFailures;
}
