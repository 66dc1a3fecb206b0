package dev.goroscope.otel.receiver;

/**
 * The receiver's answer to one request, which each transport turns into its own status:
 * ACCEPTED → 200 / OK, INVALID → 400 / INVALID_ARGUMENT, FULL → 429 / RESOURCE_EXHAUSTED,
 * UNAVAILABLE → 503 / UNAVAILABLE; the last two with a retry delay.
 */
record Admission(Kind kind, String message, long retryAfterMillis) {

  enum Kind {
    ACCEPTED,
    INVALID,
    FULL,
    UNAVAILABLE
  }

  static final Admission ACCEPTED = new Admission(Kind.ACCEPTED, "", 0);

  static Admission invalid(String message) {
    return new Admission(Kind.INVALID, message, 0);
  }

  static Admission full(String message, long retryAfterMillis) {
    return new Admission(Kind.FULL, message, retryAfterMillis);
  }

  static Admission unavailable(String message, long retryAfterMillis) {
    return new Admission(Kind.UNAVAILABLE, message, retryAfterMillis);
  }

  /** The retry delay in whole seconds for Retry-After, at least 1. */
  long retryAfterSeconds() {
    return Math.max(1, (retryAfterMillis + 999) / 1000);
  }
}
