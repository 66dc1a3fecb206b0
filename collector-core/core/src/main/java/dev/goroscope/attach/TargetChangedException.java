package dev.goroscope.attach;

import dev.goroscope.GoroscopeException;

/** The process being attached exec'd or ended between its plan and the end of its attach. */
final class TargetChangedException extends GoroscopeException {
  private static final long serialVersionUID = 1L;

  TargetChangedException(String message) {
    super(message);
  }
}
