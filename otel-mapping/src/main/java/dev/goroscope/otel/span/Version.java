package dev.goroscope.otel.span;

/** The version reported as the instrumentation scope version. */
final class Version {
  static final String VALUE = "0.1.0";

  private Version() {}
}
