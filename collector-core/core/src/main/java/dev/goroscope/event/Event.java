package dev.goroscope.event;

/**
 * One decoded kernel event from a target process.
 *
 * <p>Every event carries the header the BPF side writes for every record: the monotonic
 * timestamp ({@code bpf_ktime_get_ns}, CLOCK_MONOTONIC), the target's pid (tgid), the thread
 * (tid) and the CPU it was observed on. Events from different CPUs may arrive out of order.
 */
public sealed interface Event
    permits GoroutineCreated,
        GoroutineExited,
        GoroutineParked,
        GoroutineReadied,
        ContextDeadlineSet,
        ContextCancelled,
        GoroutineMark,
        AppSpan,
        EventsLost {

  /** CLOCK_MONOTONIC nanoseconds when the probe fired. */
  long timestampNs();

  /** Process id (tgid) of the target. */
  int pid();

  /** Thread id inside the target; 0 where the event is synthesised in user space. */
  int tid();

  /** CPU that observed the event; -1 where the event is synthesised in user space. */
  int cpu();

  /** Calls the visitor's method for this kind of event. */
  void accept(EventVisitor v);
}
