package dev.goroscope.probe;

/** What a probe observes. */
public enum ProbeRole {
  /** A goroutine is created (child, parent, gopc, start PC). */
  GOROUTINE_CREATE,
  /** A goroutine exits. */
  GOROUTINE_EXIT,
  /** A context with a deadline is created. */
  CONTEXT_DEADLINE_SET,
  /** A context is cancelled (by its deadline or its cancel function). */
  CONTEXT_CANCEL,
  /** A goroutine parks. */
  GOROUTINE_PARK,
  /** A goroutine is made runnable by another. */
  GOROUTINE_READY,
  /** A channel send statement ({@code c <- v}). */
  CHANNEL_SEND,
  /** A channel receive ({@code <-c}). */
  CHANNEL_RECEIVE,
  /** A channel receive with the ok result ({@code v, ok := <-c}). */
  CHANNEL_RECEIVE_OK,
  /** The application starts an OpenTelemetry span (recording or not). */
  APP_SPAN_START,
  /** The application ends a recording span. */
  APP_SPAN_END,
  /** The application ends a span its sampler dropped (a non-recording one). */
  APP_SPAN_END_UNSAMPLED
}
