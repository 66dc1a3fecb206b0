package dev.goroscope.event;

/**
 * Typed dispatch over the {@link Event} kinds ({@link Event#accept}), so consumers need no
 * {@code instanceof} chain. Every {@link GoroutineMark} kind arrives at {@link #mark}: adding a
 * mark kind adds no method here.
 */
public interface EventVisitor {

  void created(GoroutineCreated e);

  void exited(GoroutineExited e);

  void parked(GoroutineParked e);

  void readied(GoroutineReadied e);

  void deadlineSet(ContextDeadlineSet e);

  void cancelled(ContextCancelled e);

  void mark(GoroutineMark e);

  /** An application span started or ended (OpenTelemetry Go SDK probes). */
  void appSpan(AppSpan e);

  void lost(EventsLost e);
}
