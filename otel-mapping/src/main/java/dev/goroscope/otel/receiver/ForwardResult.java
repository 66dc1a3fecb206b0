package dev.goroscope.otel.receiver;

/**
 * How one forwarding attempt ended.
 *
 * @param kind OK, RETRYABLE (backend away, overloaded, timed out) or PERMANENT (it refused the
 *     data for good, e.g. HTTP 400 or INVALID_ARGUMENT)
 * @param rejectedItems items an OK backend reported rejected (partial success)
 * @param error what went wrong, one line; empty when OK
 * @param retryAfterMillis the backend's requested delay (Retry-After, RetryInfo), else 0
 * @param timedOut whether the attempt hit the timeout
 */
record ForwardResult(Kind kind, long rejectedItems, String error, long retryAfterMillis,
    boolean timedOut) {

  enum Kind {
    OK,
    RETRYABLE,
    PERMANENT
  }

  static ForwardResult ok(long rejectedItems) {
    return new ForwardResult(Kind.OK, rejectedItems, "", 0, false);
  }

  static ForwardResult retryable(String error, long retryAfterMillis, boolean timedOut) {
    return new ForwardResult(Kind.RETRYABLE, 0, error, retryAfterMillis, timedOut);
  }

  static ForwardResult permanent(String error) {
    return new ForwardResult(Kind.PERMANENT, 0, error, 0, false);
  }
}
