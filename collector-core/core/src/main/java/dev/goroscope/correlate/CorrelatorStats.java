package dev.goroscope.correlate;

/**
 * A snapshot of a {@link Correlator}'s counters; all counts are since the correlator was created.
 *
 * @param eventsIn events passed to {@link Correlator#accept}
 * @param outOfOrderFixed events that arrived after an event with a later timestamp and were put
 *     back in order by the reorder window
 * @param lateEvents events older than the reorder window allowed; processed out of order
 * @param reorderOverflows events processed before their window closed because the reorder buffer
 *     was full
 * @param duplicatesDropped repeated creation events (a probed prologue re-run by stack growth)
 *     and repeated exits
 * @param staleEvents events for goroutines that had already exited, dropped
 * @param eventsLost sum of the kernel's lost-event counts
 * @param lostMarkers number of lost-event markers
 * @param goroutinesAdopted goroutines first seen by an event other than their creation (running
 *     before attach, or created while events were lost)
 * @param goroutinesEvicted goroutines dropped from tracking at the cap (emitted as partial,
 *     incomplete records)
 * @param contextsEvicted live contexts dropped from tracking at the cap
 * @param unknownContextCancels cancellations of contexts without an observed deadline (plain
 *     {@code WithCancel} contexts, or created before attach); ignored
 * @param eventsAfterProcessEnd events of a process older than its recorded end, dropped
 * @param eventsAfterClose events passed after {@link Correlator#close()}, dropped
 * @param parksTruncated deep-mode park intervals dropped by the per-goroutine cap
 * @param contextEventsTruncated context events dropped by the per-goroutine cap
 * @param scopeGoroutinesDropped goroutines not remembered in a context's deadline scope (cap)
 * @param finishedRecords goroutine records emitted as finished (exited or process ended)
 * @param partialRecords goroutine records emitted as partial
 * @param contextRecords context records emitted
 * @param deadlineOverruns goroutines found overrunning a context deadline
 * @param symbolizerCalls symbolizer calls (distinct PCs and wait reasons per process)
 * @param symbolizerFailures symbolizer calls that threw
 * @param sinkFailures sink calls that threw (the record is lost, the correlator carries on)
 * @param liveGoroutines goroutines tracked now
 * @param liveContexts live contexts tracked now
 * @param bufferedEvents events waiting in the reorder buffer now
 */
public record CorrelatorStats(
    long eventsIn,
    long outOfOrderFixed,
    long lateEvents,
    long reorderOverflows,
    long duplicatesDropped,
    long staleEvents,
    long eventsLost,
    long lostMarkers,
    long goroutinesAdopted,
    long goroutinesEvicted,
    long contextsEvicted,
    long unknownContextCancels,
    long eventsAfterProcessEnd,
    long eventsAfterClose,
    long parksTruncated,
    long contextEventsTruncated,
    long scopeGoroutinesDropped,
    long finishedRecords,
    long partialRecords,
    long contextRecords,
    long deadlineOverruns,
    long symbolizerCalls,
    long symbolizerFailures,
    long sinkFailures,
    int liveGoroutines,
    int liveContexts,
    int bufferedEvents) {}
